/**
 * The configuration table of the docs portal's Configuration guide, generated from `variables.ts`
 * at each docs build, so the guide never describes a variable that does not exist.
 */
import { VARIABLES, type Variable } from './variables.ts';

function shownDefault(variable: Variable): string {
  if (variable.shownDefault) return variable.shownDefault;
  return typeof variable.default === 'string' ? `\`${variable.default}\`` : 'unset';
}

/** The Markdown table: one row per variable, in the table's order. */
export function configTable(variables: readonly Variable[] = VARIABLES): string {
  const rows = variables.map((variable) => `| \`${variable.name}\` | ${shownDefault(variable)} | ${variable.meaning} |`);
  return ['| Variable | Default | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}
