/**
 * Writing values into MDX safely: props as JavaScript expressions (JSON is valid JS, so no MDX
 * parsing surprises), prose with MDX's special characters escaped, front matter as YAML.
 */

/** A JSX prop value: `{…}` holding the JSON of the value. */
export function prop(value: unknown): string {
  return `{${JSON.stringify(value, null, 2).replaceAll('\n', '\n  ')}}`;
}

/** Text for a Markdown paragraph or table cell: `{`, `<` and friends would otherwise start JSX. */
export function text(value: string): string {
  return value.replace(/[\\{}<>|*_[\]#]/g, (char) => `\\${char}`).replace(/\s*\n\s*/g, ' ');
}

/** Front matter: JSON strings are valid YAML double-quoted scalars. */
export function frontMatter(fields: Record<string, string | number | boolean>): string {
  const lines = Object.entries(fields).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return ['---', ...lines, '---'].join('\n');
}
