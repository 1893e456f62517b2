import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configTable, TABLE_END, TABLE_START, withConfigTable } from './readme.ts';
import { VARIABLES } from './variables.ts';

const README = fs.readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

describe("README's configuration table", () => {
  it('is the one npm run docs:config writes from the variable table', () => {
    expect(README, 'README.md is out of date: run npm run docs:config').toBe(withConfigTable(README));
  });

  it('has one row per variable', () => {
    const rows = configTable().split('\n').slice(2);
    expect(rows.map((row) => /^\| `(PARLEY_[A-Z0-9_]+)` \|/.exec(row)?.[1])).toEqual(VARIABLES.map((variable) => variable.name));
  });

  it('refuses a README without the markers instead of appending a table', () => {
    expect(() => withConfigTable('# Parley\n')).toThrow(TABLE_START);
    expect(() => withConfigTable(`${TABLE_END}\n${TABLE_START}\n`)).toThrow();
  });
});
