/**
 * Reads the Authorization header: HTTP Basic (Customer ID and Secret), `Bearer <token>`, or
 * Agora's `agora token=<token>`. Schemes are case-insensitive (Agora's samples send `basic`).
 */
export type PresentedCredentials =
  | { scheme: 'basic'; customerId: string; customerSecret: string }
  | { scheme: 'token'; token: string };

export type CredentialsProblem = { problem: string };

const MAX_HEADER_LENGTH = 8192;

export const MISSING_CREDENTIALS = 'Send HTTP Basic credentials (Customer ID and Customer Secret) or an access token as "Bearer <token>"';

export function readAuthorization(header: string | undefined): PresentedCredentials | CredentialsProblem {
  if (!header) return { problem: MISSING_CREDENTIALS };
  if (header.length > MAX_HEADER_LENGTH) return { problem: 'Authorization header is too long' };
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const value = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (!value || colon <= 0) return { problem: 'Basic credentials must be base64 of "customerId:customerSecret"' };
    return { scheme: 'basic', customerId: decoded.slice(0, colon), customerSecret: decoded.slice(colon + 1) };
  }
  if (scheme === 'bearer') {
    return value ? { scheme: 'token', token: value } : { problem: 'Bearer token is empty' };
  }
  if (scheme === 'agora') {
    const match = /^token="?([^"\s]+)"?$/.exec(value);
    return match?.[1] ? { scheme: 'token', token: match[1] } : { problem: 'Expected "agora token=<token>"' };
  }
  return { problem: `Unsupported authorization scheme "${scheme}"; use Basic or Bearer` };
}
