/**
 * Agora's Cloud Recording OpenAPI description (test/fixtures/agora, a verbatim copy from
 * AgoraIO/docs-portal) as JSON Schema validators, so tests can check Parley's Agora-compatible
 * responses against Agora's own schemas.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import YAML from 'yaml';

const SPEC = path.resolve(import.meta.dirname, '../fixtures/agora/cloud-recording.en.yaml');

let ajv: Ajv2020 | undefined;

function load(): Ajv2020 {
  if (ajv) return ajv;
  const document = YAML.parse(fs.readFileSync(SPEC, 'utf8')) as { components: { schemas: Record<string, unknown> } };
  // OpenAPI 3.1 schemas are JSON Schema 2020-12; the x-docs-* annotations are not keywords.
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'cloud-recording', components: document.components }, 'cloud-recording');
  return ajv;
}

/** A validator for `#/components/schemas/<name>` of Agora's spec (e.g. `query-response`). */
export function agoraSchema(name: string): ValidateFunction {
  const validate = load().getSchema(`cloud-recording#/components/schemas/${name}`);
  if (!validate) throw new Error(`no schema ${name} in ${SPEC}`);
  return validate;
}

/** The validation errors of `body` against the named schema, as readable text ('' when it conforms). */
export function agoraSchemaErrors(name: string, body: unknown): string {
  const validate = agoraSchema(name);
  return validate(body) ? '' : load().errorsText(validate.errors);
}
