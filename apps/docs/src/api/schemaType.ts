/**
 * A schema's type in a few characters, as a reference table shows it: `string`, `integer | string`,
 * `"rtc" | "live"`, `array<object>`, `string (date-time)`.
 */
import type { JsonSchema } from './types.ts';

function literal(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : String(value);
}

export function schemaType(schema: JsonSchema): string {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return [...new Set(branches.map(schemaType))].join(' | ');
  if (schema.const !== undefined) return literal(schema.const);
  // A one-value enum is TypeBox's literal; several values of a number are a closed set worth showing.
  if (schema.enum && (schema.enum.length === 1 || schema.type !== 'string')) return schema.enum.map(literal).join(' | ');
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  if (schema.type === 'array') return `array<${schema.items ? schemaType(schema.items) : 'any'}>`;
  if (schema.type === 'string' && schema.format) return `string (${schema.format})`;
  return schema.type ?? 'any';
}

/** The object schema whose properties describe a value's children, if it has any. */
export function childObject(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  if (schema.type === 'array' && schema.items) return childObject(schema.items);
  for (const branch of schema.anyOf ?? schema.oneOf ?? []) {
    const found = childObject(branch);
    if (found) return found;
  }
  return undefined;
}
