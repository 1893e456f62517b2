/**
 * Checks a request against the operation's JSON Schemas before it is sent, with ajv configured as
 * the server's (packages/server/src/http/validation.ts): path and query strings coerced, bodies
 * strict, formats on. Unlike the server, every error is collected, one per field, so the tester can
 * show each next to its input. Messages follow the server's wording.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { errorField as fieldOf, errorReason as describe } from '@parley/protocol/validation-messages';
import type { ApiOperation, JsonSchema, ParameterLocation } from './types.ts';

export type RequestPart = ParameterLocation | 'body';

export interface FieldError {
  part: RequestPart;
  /** Dotted path inside the part: `channel`, `clientRequest.resourceExpiredHour`; '' for the part itself. */
  field: string;
  message: string;
}

export interface RequestInput {
  /** Path and query inputs as typed; empty strings are "not set". */
  values: Record<string, string>;
  body: unknown;
}

export type RequestValidator = (input: RequestInput) => FieldError[];

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ coerceTypes, allErrors: true, verbose: true, strict: false });
  (addFormats as unknown as (ajv: Ajv) => void)(ajv);
  return ajv;
}

const coercing = makeAjv(true);
const strict = makeAjv(false);

/** One error per field; for a union, ajv reports each branch and then the anyOf, which says it best. */
function toFieldErrors(part: RequestPart, errors: ErrorObject[]): FieldError[] {
  const byField = new Map<string, ErrorObject>();
  for (const error of errors) {
    const field = fieldOf(error);
    const known = byField.get(field);
    if (!known || (error.keyword === 'anyOf' && known.keyword !== 'anyOf')) byField.set(field, error);
  }
  // Errors inside a union's branches are noise once the union itself is reported.
  const unions = [...byField].filter(([, e]) => e.keyword === 'anyOf').map(([field]) => field);
  return [...byField]
    .filter(([field]) => !unions.some((union) => (union === '' ? field !== '' : field.startsWith(`${union}.`))))
    .map(([field, error]) => ({ part, field, message: describe(error) }));
}

function parameterSchema(operation: ApiOperation, location: ParameterLocation): JsonSchema {
  const parameters = operation.parameters.filter((p) => p.in === location);
  return {
    type: 'object',
    // The document keeps descriptions beside the schema; messages quote them (the channel-name rule).
    properties: Object.fromEntries(parameters.map((p) => [p.name, { ...p.schema, description: p.description || p.schema.description }])),
    required: parameters.filter((p) => p.required).map((p) => p.name),
  };
}

function compile(ajv: Ajv, schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema as object);
}

export function createValidator(operation: ApiOperation): RequestValidator {
  const locations: ParameterLocation[] = ['path', 'query'];
  const parameterValidators = locations.map((location) => ({ location, validate: compile(coercing, parameterSchema(operation, location)) }));
  const bodyValidator = operation.body ? compile(strict, operation.body.schema) : undefined;

  return ({ values, body }) => {
    const errors: FieldError[] = [];
    for (const { location, validate } of parameterValidators) {
      const data: Record<string, string> = {};
      for (const parameter of operation.parameters) {
        const value = values[parameter.name] ?? '';
        if (parameter.in === location && value !== '') data[parameter.name] = value;
      }
      if (!validate(data)) errors.push(...toFieldErrors(location, validate.errors ?? []));
    }
    // The server treats a missing body as {} for operations that take one (http/operations.ts).
    if (bodyValidator && !bodyValidator(body ?? {})) errors.push(...toFieldErrors('body', bodyValidator.errors ?? []));
    return errors;
  };
}
