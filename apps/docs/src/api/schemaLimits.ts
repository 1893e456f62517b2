/**
 * A schema's bounds in words, as a reference lists them beside a field: `1–64 characters`,
 * `0–6`, `at most 4 items`; for a union, each bounded branch named by its type.
 */
import type { JsonSchema } from './types.ts';

function range(min: number | undefined, max: number | undefined, unit: string): string | undefined {
  const suffix = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}${suffix}` : `${min}–${max}${suffix}`;
  if (max !== undefined) return `at most ${max}${suffix}`;
  if (min !== undefined) return `at least ${min}${suffix}`;
  return undefined;
}

function ownLimits(schema: JsonSchema): string | undefined {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'string') return range(schema.minLength, schema.maxLength, 'characters');
  if (type === 'integer' || type === 'number') return range(schema.minimum, schema.maximum, '');
  if (type === 'array') return range(schema.minItems, schema.maxItems, 'items');
  return undefined;
}

/** The bounds of a value, or '' when it has none worth stating. */
export function schemaLimits(schema: JsonSchema): string {
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches) return ownLimits(schema) ?? '';
  const bounded = branches.flatMap((branch) => {
    const limits = ownLimits(branch);
    return limits ? [`${String(branch.type)} ${limits}`] : [];
  });
  return bounded.join('; ');
}
