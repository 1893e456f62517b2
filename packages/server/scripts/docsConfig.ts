/**
 * `npm run docs:config`: rewrites README's configuration table from the variable table
 * (packages/server/src/config/variables.ts), so the README never describes variables that do not exist.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { withConfigTable } from '../src/config/readme.ts';

const readmePath = fileURLToPath(new URL('../../../README.md', import.meta.url));
const before = fs.readFileSync(readmePath, 'utf8');
const after = withConfigTable(before);
if (after === before) {
  console.log('README.md: configuration table already up to date');
} else {
  fs.writeFileSync(readmePath, after);
  console.log('README.md: configuration table rewritten');
}
