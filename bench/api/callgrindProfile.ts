/**
 * Where a callgrind dump's instructions went, by function: each function's own (self) count, with
 * V8's machine code named from the perf map that `node --perf-basic-prof` writes, so JavaScript
 * functions appear by name and file instead of as bare addresses. Used by bench:api:instructions
 * (`--breakdown`).
 *
 * Self counts only: callgrind's inclusive counts of V8's machine code are unreliable (V8 enters
 * and leaves its code through builtins and tail calls that callgrind cannot pair), so the time a
 * runtime slow path costs shows here under the runtime's own name (`v8::internal::…`), not under
 * the JavaScript that took it.
 */
import fs from 'node:fs';

type PerfSymbol = { start: number; end: number; name: string };

/** The perf map's symbols (`<start hex> <size hex> <name>` a line), sorted by address. */
function readPerfMap(file: string): PerfSymbol[] {
  const symbols: PerfSymbol[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const match = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/.exec(line);
    if (!match) continue;
    const start = Number.parseInt(match[1]!, 16);
    symbols.push({ start, end: start + Number.parseInt(match[2]!, 16), name: match[3]! });
  }
  return symbols.sort((a, b) => a.start - b.start);
}

function lookup(symbols: PerfSymbol[], address: number): string | undefined {
  let low = 0;
  let high = symbols.length - 1;
  let found: PerfSymbol | undefined;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (symbols[middle]!.start <= address) {
      found = symbols[middle];
      low = middle + 1;
    } else {
      high = middle - 1;
    }
  }
  return found && address < found.end ? found.name : undefined;
}

/**
 * Self instructions by function name. callgrind's format names a function once as `fn=(id) name`
 * and later as `fn=(id)`; the cost line after `calls=` is the callee's inclusive cost, not self.
 */
export function selfCosts(dumpFile: string, perfMapFile: string): Map<string, number> {
  const symbols = readPerfMap(perfMapFile);
  const names = new Map<string, string>();
  const costs = new Map<string, number>();
  let current: string | undefined;
  let afterCalls = false;
  for (const line of fs.readFileSync(dumpFile, 'utf8').split('\n')) {
    const definition = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (definition) {
      const [, kind, id, name] = definition;
      if (name !== undefined) names.set(id!, name);
      if (kind === 'fn') {
        current = names.get(id!);
        afterCalls = false;
      }
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true;
      continue;
    }
    if (current === undefined || !/^[+\-*\d]/.test(line)) continue;
    if (afterCalls) {
      afterCalls = false;
      continue;
    }
    const fields = line.trim().split(/\s+/);
    const cost = Number(fields.at(-1));
    const address = /^0x([0-9a-f]+)$/.exec(current);
    const name = address ? (lookup(symbols, Number.parseInt(address[1]!, 16)) ?? current) : current;
    costs.set(name, (costs.get(name) ?? 0) + cost);
  }
  return costs;
}

/** Which part of the process a function belongs to, for the breakdown's first table. */
function partOf(name: string): string {
  // Perf map names of JavaScript read `JS:<tier marks>name url:line:column`.
  const script = /^JS:\S*\s(?:.*\s)?(\S+):\d+:\d+$/.exec(name)?.[1];
  if (script !== undefined) {
    if (script.includes('/node_modules/')) return `JS ${script.split('/node_modules/').at(-1)!.split('/').slice(0, script.includes('/node_modules/@') ? 2 : 1).join('/')}`;
    if (script.startsWith('node:')) return 'JS Node.js';
    if (script.includes('/packages/')) return `JS ${script.split('/packages/')[1]!.split('/').slice(0, 3).join('/')}`;
    return 'JS other';
  }
  if (name.startsWith('JS:') || name.startsWith('RegExp')) return 'JS other (regular expressions, eval)';
  if (name.startsWith('Builtins_') || name.startsWith('Builtin:') || name.startsWith('BytecodeHandler')) return 'V8 builtins';
  if (name.includes('v8::') || name.includes('heap::')) return 'V8 C++ (runtime, GC, compilers)';
  if (/node::|uv_|uv__|llhttp/.test(name)) return 'Node.js and libuv C++';
  return 'other native (libc, OpenSSL, SQLite…)';
}

/** The top parts and functions, in instructions a request, as Markdown tables. */
export function breakdown(costs: Map<string, number>, requests: number, top: number): string {
  const total = [...costs.values()].reduce((sum, cost) => sum + cost, 0);
  const parts = new Map<string, number>();
  for (const [name, cost] of costs) parts.set(partOf(name), (parts.get(partOf(name)) ?? 0) + cost);
  const rows = (entries: Map<string, number>, count: number) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([name, cost]) => `| ${name.replace(/\|/g, '\\|').slice(0, 140)} | ${Math.round(cost / requests).toLocaleString('en-US')} | ${((100 * cost) / total).toFixed(1)}% |`);
  return [
    `Whole process, ${Math.round(total / requests).toLocaleString('en-US')} instructions a request, by part:`,
    '',
    '| part | instructions a request | share |',
    '|---|---:|---:|',
    ...rows(parts, parts.size),
    '',
    `The ${top} functions with the most instructions of their own:`,
    '',
    '| function | instructions a request | share |',
    '|---|---:|---:|',
    ...rows(costs, top),
  ].join('\n');
}
