/**
 * Flattens the server's OpenAPI document into `ApiOperation`s, in the document's order. Only the
 * shapes @fastify/swagger emits for Parley are handled; anything else is an error at build time, so
 * a server change the portal cannot show breaks the docs build instead of shipping a wrong page.
 */
import type { ApiOperation, ApiParameter, AuthScheme, HttpMethod, OpenApiDocument, OpenApiParameter } from './types.ts';

const METHODS: HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
// A console session is sent as a bearer token (`Bearer pcs_…`) from the tester.
const SCHEMES: Record<string, AuthScheme> = { basicAuth: 'basic', bearerAuth: 'bearer', consoleSession: 'bearer' };

function parameter(raw: OpenApiParameter, operationId: string): ApiParameter {
  if (raw.in !== 'path' && raw.in !== 'query') throw new Error(`${operationId}: ${raw.in} parameter ${raw.name} is not supported`);
  return {
    name: raw.name,
    in: raw.in,
    required: raw.in === 'path' || raw.required === true,
    // @fastify/swagger moves a parameter's description and example out of its schema. A wildcard
    // (`{*}`) has neither.
    description: raw.description ?? raw.schema.description ?? (raw.name === '*' ? 'The rest of the path; may contain slashes.' : ''),
    ...(raw.example !== undefined ? { example: raw.example } : {}),
    schema: raw.schema,
  };
}

/** Path parameters in the order they appear in the path, then query parameters as declared. */
function ordered(path: string, parameters: ApiParameter[]): ApiParameter[] {
  const position = (p: ApiParameter) => (p.in === 'path' ? path.indexOf(`{${p.name}}`) : Number.MAX_SAFE_INTEGER);
  return parameters.map((p, index) => ({ p, index })).sort((a, b) => position(a.p) - position(b.p) || a.index - b.index).map(({ p }) => p);
}

export function operationsFromOpenApi(document: OpenApiDocument): ApiOperation[] {
  const operations: ApiOperation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const raw = item[method.toLowerCase() as Lowercase<HttpMethod>];
      if (!raw) continue;
      const json = raw.requestBody?.content['application/json'];
      if (!raw.responses['200']) throw new Error(`${raw.operationId}: no 200 response`);
      const success = raw.responses['200'].content?.['application/json']?.schema;
      const auth = [...new Set((raw.security ?? []).flatMap((requirement) => Object.keys(requirement).map((name) => SCHEMES[name])))];
      if (auth.some((scheme) => scheme === undefined)) throw new Error(`${raw.operationId}: unknown security scheme`);
      operations.push({
        operationId: raw.operationId,
        method,
        path,
        summary: raw.summary ?? raw.operationId,
        description: raw.description ?? '',
        tag: raw.tags?.[0] ?? 'API',
        auth: auth as AuthScheme[],
        parameters: ordered(path, (raw.parameters ?? []).map((p) => parameter(p, raw.operationId))),
        ...(json?.schema
          ? { body: { required: raw.requestBody?.required === true, schema: json.schema, ...(json.example !== undefined ? { example: json.example } : {}) } }
          : {}),
        ...(success ? { response: success } : {}),
        responses: Object.entries(raw.responses)
          .map(([status, response]) => ({ status: Number(status), description: response.description ?? '' }))
          .sort((a, b) => a.status - b.status),
      });
    }
  }
  return operations;
}
