/**
 * Gets the OpenAPI document the way a client would: GET /v1/openapi.json from a real Parley
 * server started in-process for the build.
 */
import type { OpenApiDocument } from '../../src/api/types.ts';
import { getText, withInProcessServer } from './inProcessServer.ts';

export function fetchServerDocument(): Promise<OpenApiDocument> {
  return withInProcessServer(async (url) => JSON.parse(await getText(`${url}/v1/openapi.json`)) as OpenApiDocument);
}
