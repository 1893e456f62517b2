/**
 * How one variable's text becomes a value. Every parser takes the raw text and the variable's
 * name, and throws a `ConfigError` that names the variable, so an operator knows what to fix.
 */
import { isIPv4 } from 'node:net';
import path from 'node:path';
import proxyAddr from 'proxy-addr';
import { parseTurnUrl } from '../turn/turnUrl.ts';
import { ConfigError, LOG_LEVELS, type LogLevel } from './types.ts';

export type Parser<T> = (raw: string, name: string) => T;

export const text: Parser<string> = (raw) => raw;

/** A folder or file, made absolute against the working directory the server started in. */
export const absolutePath: Parser<string> = (raw) => path.resolve(raw);

export const port: Parser<number> = (raw, name) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(`${name} must be a port number 0-65535, got "${raw}"`);
  return value;
};

export const positiveInteger: Parser<number> = (raw, name) => {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new ConfigError(`${name} must be a positive integer, got "${raw}"`);
  return value;
};

export const nonNegativeInteger: Parser<number> = (raw, name) => {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0) throw new ConfigError(`${name} must be a whole number of 0 or more, got "${raw}"`);
  return value;
};

export const positiveNumber: Parser<number> = (raw, name) => {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new ConfigError(`${name} must be a positive number, got "${raw}"`);
  return value;
};

export const boolean: Parser<boolean> = (raw, name) => {
  if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
};

export const logLevel: Parser<LogLevel> = (raw, name) => {
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw as LogLevel;
};

/** A URL with one of the given schemes (`['redis:', 'rediss:']`); kept as written. */
export function url(protocols: string[]): Parser<string> {
  return (raw, name) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(`${name} is not a URL`);
    }
    if (!protocols.includes(parsed.protocol)) throw new ConfigError(`${name} must start with ${protocols.join(' or ')}//`);
    return raw;
  };
}

/** One of a few words. */
export function oneOf<const T extends string>(choices: readonly T[]): Parser<T> {
  return (raw, name) => {
    if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be ${choices.join(' or ')}, got "${raw}"`);
    return raw as T;
  };
}

/** `*`, or a comma-separated list of origins. */
export const origins: Parser<string[] | '*'> = (raw) => {
  const trimmed = raw.trim();
  if (trimmed === '' || trimmed === '*') return '*';
  return trimmed.split(',').map((origin) => origin.trim()).filter(Boolean);
};

/**
 * Fastify's `trustProxy` value: a hop count (`1`: the peer is the proxy), or a comma-separated
 * list of addresses, CIDR ranges and proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`),
 * checked by proxy-addr itself, the library Fastify resolves addresses with.
 */
export const trustedProxies: Parser<string[] | number> = (raw, name) => {
  const trimmed = raw.trim();
  if (/^\d+$/.test(trimmed)) return positiveInteger(trimmed, name);
  const entries = trimmed.split(',').map((entry) => entry.trim()).filter(Boolean);
  try {
    proxyAddr.compile(entries);
  } catch (error) {
    throw new ConfigError(`${name} must be a hop count or comma-separated addresses and CIDR ranges: ${(error as Error).message}`);
  }
  return entries;
};

/** A comma-separated list of TURN URLs, each checked (`turn:host[:port][?transport=udp|tcp]`, `turns:host[:port]`). */
export const turnUrls: Parser<string[]> = (raw, name) => {
  const urls = raw.split(',').map((item) => item.trim()).filter(Boolean);
  if (urls.length === 0) throw new ConfigError(`${name} lists no URL`);
  for (const item of urls) {
    const parsed = parseTurnUrl(item);
    if ('error' in parsed) throw new ConfigError(`${name}: ${parsed.error}`);
  }
  return urls;
};

/** A comma-separated list of IPv4 addresses (the SFU announces IPv4 host candidates only). */
export const ipv4List: Parser<string[]> = (raw, name) => {
  const addresses = raw.split(',').map((address) => address.trim()).filter(Boolean);
  const wrong = addresses.find((address) => !isIPv4(address));
  if (wrong !== undefined || addresses.length === 0) throw new ConfigError(`${name} must be IPv4 addresses separated by commas, got "${raw}"`);
  return addresses;
};

/** A UDP port for every media connection, or `range` for a port per connection. */
export const udpPortOrRange: Parser<number | 'range'> = (raw, name) => (raw.trim() === 'range' ? 'range' : port(raw, name));
