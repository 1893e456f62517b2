#!/usr/bin/env node
// The `parley` command. The sources are TypeScript that Node 24 runs directly (type stripping).
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(`Parley needs Node.js 22 or newer (this is ${process.version}). Run it through npm (npm start), which uses the project's Node 24.`);
  process.exit(1);
}
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
