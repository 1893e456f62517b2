/**
 * Identifier rules shared by builders and verifier: what a valid App ID / App Certificate looks like,
 * and how a numeric uid or a string account becomes the uid string stored in a token.
 */

/**
 * True for 32 lowercase hex characters: the shape Parley issues App IDs and App Certificates in.
 * Agora's builders silently return "" for anything that is not 32 hex characters, so IDs of any
 * other shape would break customers' existing builder code.
 */
export function isAgoraId(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9a-f]{32}$/.test(value);
}

/**
 * The 32-hex shape the official builders accept (either case). Tokens in the wild may carry a
 * mixed-case App ID (Agora's own test vectors do), so the verifier accepts this wider shape.
 */
export function isHex32(value: string): boolean {
  return /^[0-9a-fA-F]{32}$/.test(value);
}

/**
 * The uid string a token stores: the decimal form of a numeric uid, the account verbatim, and ""
 * for uid 0, which the builders use to mean "any uid may use this token".
 */
export function uidToTokenString(uid: number | string): string {
  if (typeof uid === 'string') return uid;
  return uid === 0 ? '' : String(uid);
}
