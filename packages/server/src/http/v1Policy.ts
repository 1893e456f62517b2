/**
 * The v1 API's request guard: Customer ID/Secret or access tokens, per-plan and per-uid minute
 * budgets, the path's `projectId`, and every refusal in the v1 envelope.
 */
import type { Services } from '../services.ts';
import { ApiError, forbidden, notFound } from './apiError.ts';
import { accessTokenAuthenticator, customerSecretAuthenticator } from './guard/authenticators.ts';
import { consoleSessionAuthenticator } from './guard/consoleSessionAuthenticator.ts';
import { v1RatePolicy } from './guard/buckets.ts';
import type { EdgePolicy } from './guard/guard.ts';
import { v1Ownership } from './guard/ownership.ts';
import { retryAfterHeader, type Refusal, type RefusalRenderer } from './guard/refusal.ts';

const unauthorized = (refusal: Refusal) => new ApiError('unauthorized', { field: 'Authorization', reason: refusal.message });

export const V1_REFUSALS: RefusalRenderer = {
  missing_credentials: unauthorized,
  malformed_credentials: unauthorized,
  wrong_secret: unauthorized,
  invalid_token: (refusal) => new ApiError('invalid_token', { field: 'Authorization', reason: refusal.message }),
  too_many_failures: (refusal) => new ApiError('rate_limited', { field: 'Authorization', reason: refusal.message }, retryAfterHeader(refusal)),
  rate_limited: (refusal) => new ApiError('rate_limited', { reason: refusal.message }, retryAfterHeader(refusal)),
  token_not_allowed: (refusal) => forbidden(refusal.message),
  token_other_project: (refusal) => forbidden(refusal.message),
  token_other_channel: (refusal) => forbidden(refusal.message),
  unknown_project: (refusal) => notFound('projectId', refusal.message),
  session_ended: unauthorized,
  cross_site: (refusal) => forbidden(refusal.message),
  role_too_low: (refusal) => forbidden(refusal.message),
  project_disabled: (refusal) => forbidden(refusal.message),
};

export function v1Policy(services: Services): EdgePolicy {
  return {
    // A console session first: it claims only its own cookie and `Bearer pcs_…` tokens.
    authenticators: [
      consoleSessionAuthenticator(services.console, services.projects),
      customerSecretAuthenticator(services.projects),
      accessTokenAuthenticator(services.tokens, services.projects),
    ],
    rate: v1RatePolicy,
    ownership: v1Ownership(services.projects),
    refusals: V1_REFUSALS,
  };
}
