import { describe, expect, it } from 'vitest';
import { configTable } from './configTable.ts';
import { VARIABLES } from './variables.ts';

describe('configTable', () => {
  it('has a header and one row per variable, in the table\'s order', () => {
    const [header, rule, ...rows] = configTable().split('\n');
    expect(header).toBe('| Variable | Default | Meaning |');
    expect(rule).toBe('| --- | --- | --- |');
    expect(rows.map((row) => /^\| `(PARLEY_[A-Z0-9_]+)` \|/.exec(row)?.[1])).toEqual(VARIABLES.map((variable) => variable.name));
  });

  it('shows an unset default as "unset" and a described default as written', () => {
    const table = configTable([
      { name: 'PARLEY_A', key: 'server.host', parse: (raw: string) => raw, meaning: 'A' },
      { name: 'PARLEY_B', key: 'server.port', default: '1', shownDefault: 'one', parse: (raw: string) => raw, meaning: 'B' },
    ] as never);
    expect(table.split('\n').slice(2)).toEqual(['| `PARLEY_A` | unset | A |', '| `PARLEY_B` | one | B |']);
  });
});
