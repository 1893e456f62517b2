/**
 * The `ApiMethod` props of an operation, derived from the OpenAPI document only: the generated
 * reference pages write them out, and guides render them through `OperationMethod`.
 */
import type { ApiField, ApiMethodProps } from '../components/ApiMethod/types.ts';
import { placeholder, buildUrl, type RequestAuth } from './request.ts';
import { sampleValue } from './sampleValue.ts';
import { describeSchema, schemaFields } from './schemaFields.ts';
import { schemaType } from './schemaType.ts';
import { curlSnippet } from './snippets/curl.ts';
import type { ApiOperation, AuthScheme } from './types.ts';

/** Where the static examples point: the server's default address (README, `parley serve`). */
export const EXAMPLE_BASE_URL = 'http://127.0.0.1:8080';

export type MethodData = Omit<ApiMethodProps, 'rightIntro'> & { auth: AuthScheme[] };

function parameterFields(operation: ApiOperation): ApiField[] {
  return operation.parameters.map((parameter) => ({
    name: parameter.name,
    type: `${schemaType(parameter.schema)} (${parameter.in})`,
    ...(parameter.required ? { required: true } : {}),
    description: describeSchema(parameter.schema, parameter.description),
  }));
}

/** The auth a static example shows: placeholders, as the seed writes them. */
function exampleAuth(operation: ApiOperation): RequestAuth | undefined {
  if (operation.auth.includes('basic')) return { scheme: 'basic', user: 'YOUR_CUSTOMER_ID', password: 'YOUR_CUSTOMER_SECRET' };
  if (operation.auth.includes('bearer')) return { scheme: 'bearer', token: 'YOUR_ACCESS_TOKEN' };
  return undefined;
}

/** Example values of the parameters: placeholders for path ones, examples for required query ones. */
function exampleValues(operation: ApiOperation): Record<string, string> {
  const values: Record<string, string> = {};
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') values[parameter.name] = placeholder(parameter.name);
    else if (parameter.required) values[parameter.name] = String(parameter.example ?? sampleValue(parameter.schema));
  }
  return values;
}

export function methodProps(operation: ApiOperation): MethodData {
  const body = operation.body;
  const auth = exampleAuth(operation);
  return {
    title: operation.path,
    summary: operation.description || operation.summary,
    badge: operation.method,
    fieldsTitle: 'Request',
    fields: [...parameterFields(operation), ...(body ? schemaFields(body.schema) : [])],
    exampleTitle: 'Example request',
    exampleLanguage: 'bash',
    exampleCode: curlSnippet({
      method: operation.method,
      url: buildUrl(EXAMPLE_BASE_URL, operation, exampleValues(operation)),
      ...(auth ? { auth } : {}),
      ...(body ? { body: body.example ?? sampleValue(body.schema) } : {}),
    }),
    // A download answers with the file itself: there is no JSON to show.
    ...(operation.response
      ? { responseTitle: 'Response', responseLanguage: 'json', responseCode: JSON.stringify(sampleValue(operation.response), null, 2) }
      : {}),
    auth: operation.auth,
  };
}
