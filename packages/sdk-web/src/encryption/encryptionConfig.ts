/**
 * Agora's setEncryptionConfig arguments, checked, and the media key derived from them.
 *
 * Parley encrypts end to end: each client derives the key itself, and the server never sees the
 * secret, so it forwards frames it cannot read. AES-GCM is the cipher of every mode Parley offers;
 * the modes differ in how the key comes from the secret, with WebCrypto's PBKDF2 (HMAC-SHA-256,
 * 100,000 iterations):
 * - "aes-128-gcm2" / "aes-256-gcm2": salted with the 32-byte salt the application gives
 *   (recommended: a fresh random salt per channel from your server);
 * - "aes-128-gcm" / "aes-256-gcm": Agora's older modes without a salt, salted with a fixed label,
 *   so only the secret keeps the key apart from other channels'.
 * The XTS, ECB and SM4 modes are refused with NOT_SUPPORTED, never ignored: a call that asks for
 * encryption must not join unencrypted.
 */
import { invalidParams, notSupported } from '../errors.ts';
import { log } from '../platform/log.ts';

/** Agora's EncryptionMode. */
export type EncryptionMode = 'aes-128-xts' | 'aes-256-xts' | 'aes-128-ecb' | 'sm4-128-ecb' | 'aes-128-gcm' | 'aes-256-gcm' | 'aes-128-gcm2' | 'aes-256-gcm2' | 'none';

/** The modes Parley implements, with their key length in bits and whether they take a salt. */
const AES_GCM_MODES: Partial<Record<EncryptionMode, { bits: 128 | 256; salted: boolean }>> = {
  'aes-128-gcm': { bits: 128, salted: false },
  'aes-256-gcm': { bits: 256, salted: false },
  'aes-128-gcm2': { bits: 128, salted: true },
  'aes-256-gcm2': { bits: 256, salted: true },
};
const REFUSED_MODES = new Set<string>(['aes-128-xts', 'aes-256-xts', 'aes-128-ecb', 'sm4-128-ecb']);

export const PBKDF2_ITERATIONS = 100_000;
/** The salt of the unsalted modes; a label, so their keys differ from any other use of the secret. */
const UNSALTED_LABEL = new TextEncoder().encode('Parley media encryption, unsalted mode');

/** setEncryptionConfig's arguments once checked; undefined for "none". */
export interface EncryptionSettings {
  mode: EncryptionMode;
  secret: string;
  /** A copy of the application's salt, so changing its array later changes nothing. */
  salt: Uint8Array<ArrayBuffer> | undefined;
}

/**
 * Checks setEncryptionConfig's arguments, as Agora's declaration describes them. `supported` says
 * whether this browser can transform encoded frames (see frameProtection.ts).
 */
export function checkEncryptionConfig(mode: unknown, secret: unknown, salt: unknown, encryptDataStream: unknown, supported: boolean): EncryptionSettings | undefined {
  if (mode === 'none') return undefined;
  if (typeof mode === 'string' && REFUSED_MODES.has(mode)) {
    throw notSupported(`Encryption mode "${mode}" is not supported by Parley: use "aes-128-gcm2" or "aes-256-gcm2"`);
  }
  const spec = typeof mode === 'string' ? AES_GCM_MODES[mode as EncryptionMode] : undefined;
  if (!spec) throw invalidParams('encryptionMode must be one of Agora\'s EncryptionMode values', { field: 'encryptionMode' });
  if (typeof secret !== 'string' || secret.length === 0) throw invalidParams('secret must be a non-empty string', { field: 'secret' });
  if (spec.salted && !(salt instanceof Uint8Array && salt.length === 32)) throw invalidParams(`${mode} needs a salt: a Uint8Array of 32 bytes`, { field: 'salt' });
  if (encryptDataStream !== undefined && typeof encryptDataStream !== 'boolean') throw invalidParams('encryptDataStream must be a boolean', { field: 'encryptDataStream' });
  // Agora's rule; Parley has no data streams, so there is nothing else to encrypt.
  if (encryptDataStream && !spec.salted) throw invalidParams('Data stream encryption needs "aes-128-gcm2" or "aes-256-gcm2"', { field: 'encryptDataStream' });
  if (!supported) throw notSupported('This browser cannot encrypt media: it lacks encoded transforms (RTCRtpScriptTransform) or WebCrypto (a secure context)');
  if (!isStrong(secret)) log.warn('The encryption secret is weak: use at least 8 characters mixing upper and lower case letters, digits and symbols (e.g. from `openssl rand -base64 32`)');
  return { mode: mode as EncryptionMode, secret, salt: spec.salted ? new Uint8Array(salt as Uint8Array) : undefined };
}

/** Agora's definition of a strong secret: 8 characters or more, of all four kinds. */
function isStrong(secret: string): boolean {
  return secret.length >= 8 && /[a-z]/.test(secret) && /[A-Z]/.test(secret) && /\d/.test(secret) && /[^a-zA-Z\d]/.test(secret);
}

/** The AES-GCM key of `settings`: the same on every client given the same mode, secret and salt. */
export async function deriveMediaKey(settings: EncryptionSettings): Promise<CryptoKey> {
  const spec = AES_GCM_MODES[settings.mode]!;
  const material = await crypto.subtle.importKey('raw', new TextEncoder().encode(settings.secret), 'PBKDF2', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: settings.salt ?? UNSALTED_LABEL, iterations: PBKDF2_ITERATIONS },
    material,
    { name: 'AES-GCM', length: spec.bits },
    false,
    ['encrypt', 'decrypt'],
  );
}
