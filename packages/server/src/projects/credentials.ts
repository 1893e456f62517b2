/**
 * Making and checking credentials: App IDs, App Certificates, Customer IDs and Secrets.
 *
 * All four are 32 lowercase hex characters (128 random bits) because Agora's token builders
 * return an empty string for anything else.
 */
import { createCipheriv, createDecipheriv, createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newHex32(): string {
  return randomBytes(16).toString('hex');
}

/**
 * Customer Secrets are stored as SHA-256 (hex of the UTF-8 text). A slow password hash (scrypt)
 * would protect low-entropy human passwords; these secrets carry 128 random bits, so a fast hash
 * is as safe and keeps the per-request Basic check cheap. Node's one-shot `hash` makes no Hash
 * object for the collector to finalise: 0.45 µs against createHash's 1.05 (hot loop, this VM).
 */
export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex');
}

// Compared whenever the Customer ID is unknown, so a miss takes as long as a wrong secret.
const DECOY_HASH = hashSecret(newHex32());

/** Constant-time check of a presented secret against a stored hash (or none, for unknown IDs). */
export function secretMatches(presented: string, storedHash: string | undefined): boolean {
  const presentedHash = Buffer.from(hashSecret(presented), 'hex');
  const expected = Buffer.from(storedHash ?? DECOY_HASH, 'hex');
  return expected.length === presentedHash.length && timingSafeEqual(presentedHash, expected) && storedHash !== undefined;
}

const CIPHER_PREFIX = 'v1:';

/**
 * Encrypts App Certificates at rest with AES-256-GCM when PARLEY_SECRET_KEY is set. Certificates
 * must stay retrievable (tokens are verified with them), so they are encrypted, not hashed.
 */
export class CertificateCipher {
  #key: Buffer | undefined;

  constructor(secretKey: string | undefined) {
    this.#key = secretKey ? createHash('sha256').update(`parley-certificate-key:${secretKey}`).digest() : undefined;
  }

  seal(certificate: string): string {
    if (!this.#key) return certificate;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(certificate, 'utf8'), cipher.final()]);
    return `${CIPHER_PREFIX}${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  open(stored: string): string {
    // Plain values stay readable, so setting a key later does not lock out older projects.
    if (!stored.startsWith(CIPHER_PREFIX)) return stored;
    if (!this.#key) throw new Error('App Certificate is encrypted but PARLEY_SECRET_KEY is not set');
    const [iv, tag, body] = stored.slice(CIPHER_PREFIX.length).split(':');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv ?? '', 'base64'));
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body ?? '', 'base64')), decipher.final()]).toString('utf8');
  }
}
