/**
 * The body form's model: which input a schema gets, how typed text becomes a JSON value, and how a
 * change at a path updates the body (optional objects left empty disappear, so an untouched
 * `clientRequest` is not sent as `{}`).
 */
import type { JsonSchema } from './types.ts';

export type InputKind = 'object' | 'choice' | 'boolean' | 'number' | 'text' | 'json';

export interface Choice {
  label: string;
  value: unknown;
}

/** The closed set of values a schema allows (an enum, or a union of literals), if it is one. */
export function choices(schema: JsonSchema): Choice[] | undefined {
  const values = schema.enum ?? (schema.anyOf?.every((b) => b.enum?.length === 1 || b.const !== undefined) ? schema.anyOf.map((b) => b.const ?? b.enum?.[0]) : undefined);
  return values?.map((value) => ({ label: String(value), value }));
}

export function inputKind(schema: JsonSchema): InputKind {
  if (schema.properties) return 'object';
  if (choices(schema)) return 'choice';
  const types = schema.anyOf ? schema.anyOf.map((b) => b.type) : [schema.type];
  if (types.every((t) => t === 'boolean')) return 'boolean';
  if (types.every((t) => t === 'integer' || t === 'number')) return 'number';
  // A string, or a union of scalars such as the uid (integer or string): typed as text.
  if (types.every((t) => t === 'string' || t === 'integer' || t === 'number')) return 'text';
  return 'json';
}

/** Text from a number input: a number when it reads as one, else the text, for the validator to flag. */
export function numberFromText(text: string): number | string | undefined {
  if (text.trim() === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text;
}

/** Text from a JSON-valued input: the parsed value, or the text when it is not JSON. */
export function jsonFromText(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Removes optional objects that ended up empty, innermost first. */
export function pruneEmpty(value: unknown, schema: JsonSchema): unknown {
  if (!isObject(value) || !schema.properties) return value;
  const required = new Set(schema.required ?? []);
  const result: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = schema.properties[key];
    const pruned = childSchema ? pruneEmpty(child, childSchema) : child;
    if (isObject(pruned) && Object.keys(pruned).length === 0 && !required.has(key) && childSchema?.properties) continue;
    result[key] = pruned;
  }
  return result;
}

/** The body with `path` set to `next` (or removed when `next` is undefined), then pruned. */
export function setAtPath(body: unknown, path: string[], next: unknown, schema: JsonSchema): unknown {
  const set = (value: unknown, rest: string[]): unknown => {
    const [key, ...tail] = rest;
    if (key === undefined) return next;
    const object: JsonObject = isObject(value) ? { ...value } : {};
    const child = set(object[key], tail);
    if (child === undefined) delete object[key];
    else object[key] = child;
    return object;
  };
  return pruneEmpty(set(body, path), schema);
}

export function getAtPath(body: unknown, path: string[]): unknown {
  let value = body;
  for (const key of path) value = isObject(value) ? value[key] : undefined;
  return value;
}
