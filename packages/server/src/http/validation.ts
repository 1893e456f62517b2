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

function joinPath(instancePath: string, property?: string): string {
  const parts = instancePath.split('/').filter(Boolean).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (property) parts.push(property);
  return parts.join('.');
}

function describe(error: ErrorObject): string {
  const parentDescription = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'anyOf':
      return parentDescription ? `must be one of the allowed forms: ${parentDescription}` : 'does not match any allowed form';
    case 'enum':
      return `must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
    case 'pattern':
      return parentDescription ? `has characters that are not allowed: ${parentDescription}` : 'has characters that are not allowed';
    default:
      return error.message ?? 'is not valid';
  }
}

const CONTEXT_NAMES: Record<string, string> = { body: 'body', params: 'path', querystring: 'query' };

/** Turns the first meaningful ajv error of a request part into an ApiError. */
export function validationError(errors: ErrorObject[], context: string | undefined): ApiError {
  // For a union, ajv reports each branch's failure and then the anyOf; the anyOf says it best.
  const error = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  if (!error) return new ApiError('invalid_parameter', { reason: 'Request is not valid' });
  const property =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : error.keyword === 'additionalProperties'
        ? (error.params as { additionalProperty: string }).additionalProperty
        : undefined;
  const field = joinPath(error.instancePath, property);
  if (field === '') {
    const part = CONTEXT_NAMES[context ?? 'body'] ?? 'request';
    return new ApiError('invalid_parameter', { field: part, reason: part === 'body' ? 'Body must be a JSON object' : `${part} ${describe(error)}` });
  }
  const leaf = field.split('.').at(-1);
  if (leaf === 'channel' && ['pattern', 'minLength', 'maxLength', 'type'].includes(error.keyword)) {
    return new ApiError('invalid_channel_name', { field, reason: CHANNEL_NAME_RULE });
  }
  return new ApiError('invalid_parameter', { field, reason: `${field} ${describe(error)}` });
}
