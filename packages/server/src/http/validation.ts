/**
 * Request validation with the protocol's JSON Schemas, and the translation of validation
 * failures into the API's `{field, reason}` details.
 *
 * Bodies are validated strictly (a JSON string is not a number); path and query strings are
 * coerced, since everything in a URL arrives as text.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { CHANNEL_NAME_RULE } from '@parley/protocol';
import { errorField, errorReason } from '@parley/protocol/validation-messages';
import { ApiError } from './apiError.ts';

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, verbose: true, strict: false });
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export function compileValidator(schema: object, httpPart: string | undefined): ValidateFunction {
  return (httpPart === 'body' ? strictAjv : coercingAjv).compile(schema);
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', params: 'path', querystring: 'query' };

/** Turns the first meaningful ajv error of a request part into an ApiError. */
export function validationError(errors: ErrorObject[], context: string | undefined): ApiError {
  // For a union, ajv reports each branch's failure and then the anyOf; the anyOf says it best.
  const error = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  if (!error) return new ApiError('invalid_parameter', { reason: 'Request is not valid' });
  const field = errorField(error);
  if (field === '') {
    const part = CONTEXT_NAMES[context ?? 'body'] ?? 'request';
    return new ApiError('invalid_parameter', { field: part, reason: part === 'body' ? 'Body must be a JSON object' : `${part} ${errorReason(error)}` });
  }
  const leaf = field.split('.').at(-1);
  if (leaf === 'channel' && ['pattern', 'minLength', 'maxLength', 'type'].includes(error.keyword)) {
    return new ApiError('invalid_channel_name', { field, reason: CHANNEL_NAME_RULE });
  }
  return new ApiError('invalid_parameter', { field, reason: `${field} ${errorReason(error)}` });
}
