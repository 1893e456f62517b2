/**
 * The slice of OpenAPI 3.1 the portal reads, and `ApiOperation`: one operation flattened into what
 * the reference pages and the tester need (scripts/openapi.ts writes them to generated/operations.json).
 */

/** A JSON Schema as @fastify/swagger emits it from the protocol's TypeBox schemas. */
export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  example?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AuthScheme = 'basic' | 'bearer';
export type ParameterLocation = 'path' | 'query';

export interface OpenApiParameter {
  name: string;
  in: ParameterLocation | 'header' | 'cookie';
  required?: boolean;
  description?: string;
  example?: unknown;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
  example?: unknown;
}

export interface OpenApiOperation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content: Record<string, OpenApiMediaType> };
  responses: Record<string, { description?: string; content?: Record<string, OpenApiMediaType> }>;
}

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths: Record<string, Partial<Record<Lowercase<HttpMethod>, OpenApiOperation>>>;
  tags?: Array<{ name: string; description?: string }>;
}

export interface ApiParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  description: string;
  example?: unknown;
  schema: JsonSchema;
}

export interface ApiOperation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template: `/v1/projects/{projectId}/rtc/channels`. */
  path: string;
  summary: string;
  description: string;
  tag: string;
  /** Schemes accepted, in the document's order (`basic` first). */
  auth: AuthScheme[];
  /** Path parameters in path order, then query parameters. */
  parameters: ApiParameter[];
  body?: { required: boolean; schema: JsonSchema; example?: unknown };
  /** Schema of the 200 answer (the success envelope); absent when it is not JSON (a file download). */
  response?: JsonSchema;
  /** Every status the operation documents, success included, with what it means. */
  responses: Array<{ status: number; description: string }>;
}
