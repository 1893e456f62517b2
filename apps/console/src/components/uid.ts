/** A uid as typed: digits are a numeric uid (Agora's int uid), anything else a user account. */
export function parseUid(text: string): number | string {
  const trimmed = text.trim();
  return /^\d{1,10}$/.test(trimmed) ? Number(trimmed) : trimmed;
}
