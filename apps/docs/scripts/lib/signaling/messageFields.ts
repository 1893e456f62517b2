/**
 * The `ApiMethod` fields of a signaling message: name, type, required mark, and a description
 * that ends with the field's bounds, so a client author knows what the server accepts.
 */
import type { ApiField } from '../../../src/components/ApiMethod/types.ts';
import { schemaLimits } from '../../../src/api/schemaLimits.ts';
import { childObject, schemaType } from '../../../src/api/schemaType.ts';
import type { JsonSchema } from '../../../src/api/types.ts';

function describe(name: string, schema: JsonSchema): string {
  // Every message's `type` is a literal: its value is the message's name, already in the type column.
  if (name === 'type' && schema.const !== undefined) return 'Names the message.';
  const description = schema.description ?? '';
  const limits = schemaLimits(schema);
  return limits ? `${description}${description ? ' ' : ''}Limits: ${limits}.` : description;
}

export function messageFields(schema: JsonSchema): ApiField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, child]) => {
    const field: ApiField = { name, type: schemaType(child), description: describe(name, child) };
    if (required.has(name)) field.required = true;
    const nested = childObject(child);
    if (nested) field.children = messageFields(nested);
    return field;
  });
}
