/**
 * Why the request guard turned a request away, in the guard's own terms. Each edge renders a
 * refusal in its wire format through one exhaustive map (`RefusalRenderer`), so the v1 envelope,
 * Agora's `{message}` and Agora Cloud Recording's `{code, reason}` all come from the same checks.
 */
export type RefusalKind =
  /** No credentials at all. */
  | 'missing_credentials'
  /** An Authorization header this edge cannot read (bad Basic encoding, unknown scheme). */
  | 'malformed_credentials'
  /** Customer ID and Secret that match no account. */
  | 'wrong_secret'
  /** An access token that fails its checks, or whose project is gone. */
  | 'invalid_token'
  /** The caller's address or Customer ID spent its budget of failed authentications. */
  | 'too_many_failures'
  /** The caller's request budget for this window is spent. */
  | 'rate_limited'
  /** An access token on an operation that needs the customer's credentials. */
  | 'token_not_allowed'
  /** An access token for another project than the path names. */
  | 'token_other_project'
  /** An access token that does not name the channel of the path. */
  | 'token_other_channel'
  /** The project (App ID) is not one of the caller's, or does not exist. */
  | 'unknown_project'
  /** A console session that is unknown, expired or signed out. */
  | 'session_ended'
  /** A change sent with a console cookie but without its CSRF token, or from another origin. */
  | 'cross_site'
  /** A console user whose role does not allow the operation. */
  | 'role_too_low'
  /** The project is disabled (from the console): its API calls and joins are refused. */
  | 'project_disabled';

export class Refusal extends Error {
  readonly kind: RefusalKind;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: RefusalKind, reason: string, retryAfterSeconds?: number) {
    super(reason);
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** An edge's one answer for every kind of refusal: the compiler fails when a kind is not mapped. */
export type RefusalRenderer = Record<RefusalKind, (refusal: Refusal) => Error>;

export function retryAfterHeader(refusal: Refusal): Record<string, string> {
  return refusal.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(refusal.retryAfterSeconds) };
}
