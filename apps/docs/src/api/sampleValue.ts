/**
 * An example value for a schema: its own example when it has one, otherwise a plausible value
 * built from its type, so every reference page shows a complete response.
 */
import type { JsonSchema } from './types.ts';

const SAMPLE_TIME = '2026-01-15T09:30:00.000Z';

export function sampleValue(schema: JsonSchema): unknown {
  if (schema.examples && schema.examples.length > 0) return schema.examples[0];
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    // Prefer a real value over null: the example should show what the field holds when set.
    const branch = branches.find((b) => b.type !== 'null') ?? branches[0];
    return branch ? sampleValue(branch) : null;
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, child]) => [name, sampleValue(child)]));
    case 'array':
      return schema.items ? [sampleValue(schema.items)] : [];
    case 'string':
      return schema.format === 'date-time' ? SAMPLE_TIME : 'string';
    case 'integer':
    case 'number':
      return schema.minimum ?? 0;
    case 'boolean':
      return true;
    default:
      return null;
  }
}
