/**
 * Transport-level rules for token text, shared by 007 and 006: size limits and strict standard
 * base64 decoding (with the `+` → space repair that URL query decoding makes necessary).
 */
import { TokenFormatError } from './codec.ts';

/**
 * Longest token string accepted. Official RTC+RTM tokens are a few hundred characters; the cap
 * keeps hostile input from costing more than a trivial amount of work.
 */
export const MAX_TOKEN_LENGTH = 4096;

/** Largest inflated 007 body accepted (zip-bomb guard). */
export const MAX_INFLATED_BYTES = 64 * 1024;

// Standard alphabet only (not URL-safe), length a multiple of 4, `=` padding only at the end.
const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Undoes the one corruption tokens commonly suffer in transit: a `+` read back as a space after
 * form/query decoding. Spaces are not in the base64 alphabet, so the repair is unambiguous.
 */
export function repairTokenText(token: string): string {
  return token.includes(' ') ? token.replaceAll(' ', '+') : token;
}

/**
 * Decodes standard base64, refusing anything Buffer.from would silently skip or reinterpret
 * (URL-safe characters, missing padding, stray characters, non-zero padding bits). Every encoder
 * the official builders use emits canonical base64, so the round-trip check costs no real token
 * and means each accepted token has exactly one spelling.
 */
export function decodeStrictBase64(text: string): Buffer {
  if (text.length > MAX_TOKEN_LENGTH) throw new TokenFormatError('token is too long');
  if (text.length === 0 || !STRICT_BASE64.test(text)) {
    throw new TokenFormatError('token body is not strict standard base64');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) {
    throw new TokenFormatError('token body is not canonical base64 (stray padding bits)');
  }
  return bytes;
}
