/**
 * Turns an object schema into `ApiMethod` fields: name, type, required mark, description, and the
 * children of nested objects (and of arrays of objects) to any depth.
 */
import type { ApiField } from '../components/ApiMethod/types.ts';
import { childObject, schemaType } from './schemaType.ts';
import type { JsonSchema } from './types.ts';

/** The description, plus the default when the text does not already give it. */
export function describeSchema(schema: JsonSchema, description = schema.description ?? ''): string {
  if (schema.default === undefined || /default/i.test(description)) return description;
  return `${description}${description ? ' ' : ''}Default \`${JSON.stringify(schema.default)}\`.`;
}

export function schemaFields(schema: JsonSchema): ApiField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, child]) => {
    const nested = childObject(child);
    const field: ApiField = { name, type: schemaType(child), description: describeSchema(child) };
    if (required.has(name)) field.required = true;
    if (nested) field.children = schemaFields(nested);
    return field;
  });
}
