/**
 * README's configuration table, generated from `variables.ts`: `npm run docs:config` writes it
 * between the two markers, and `readme.test.ts` fails when the README holds anything else.
 */
import { VARIABLES, type Variable } from './variables.ts';

export const TABLE_START = '<!-- config-table:start (generated from packages/server/src/config/variables.ts by `npm run docs:config`) -->';
export const TABLE_END = '<!-- config-table:end -->';

function shownDefault(variable: Variable): string {
  if (variable.shownDefault) return variable.shownDefault;
  return typeof variable.default === 'string' ? `\`${variable.default}\`` : 'unset';
}

/** The Markdown table: one row per variable, in the table's order. */
export function configTable(variables: readonly Variable[] = VARIABLES): string {
  const rows = variables.map((variable) => `| \`${variable.name}\` | ${shownDefault(variable)} | ${variable.meaning} |`);
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** The README with its configuration table replaced by the generated one. */
export function withConfigTable(readme: string, table: string = configTable()): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end === -1 || end < start) throw new Error(`README.md needs the markers ${TABLE_START} and ${TABLE_END}`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
