/**
 * Short-lived TURN credentials in the TURN REST API scheme that coturn checks with
 * `use-auth-secret` / `static-auth-secret`: the username is `<expiry in Unix seconds>:<who>` and
 * the password is base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC, so Parley and
 * coturn share only the secret, never a user list; a leaked credential dies at its expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '@parley/protocol';

export interface TurnSettings {
  urls: string[];
  secret: string;
  ttlSeconds: number;
}

export function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

/** One ICE server entry carrying every configured URL, valid for `ttlSeconds` from `nowMs`. */
export function mintIceServers(turn: TurnSettings, who: string, nowMs = Date.now()): IceServer[] {
  const expiresAt = Math.floor(nowMs / 1000) + turn.ttlSeconds;
  // coturn reads the part before the first colon as the expiry; the rest is only a label.
  const username = `${expiresAt}:${who}`;
  return [{ urls: [...turn.urls], username, credential: turnCredential(turn.secret, username) }];
}
