/**
 * How much of Agora's Web SDK (agora-rtc-sdk-ng, the version pinned in package.json) ParleyRTC
 * covers, read from both SDKs' TypeScript declarations: for each of Agora's public interfaces,
 * every member is `present` (ParleyRTC has it), `no-op` (present and listed in
 * src/compat/noops.ts with the reason) or `missing`. Client and track events are read from
 * Agora's `on(event: "…")` overloads and from Parley's event maps; error codes from
 * `AgoraRTCErrorCode` and Parley's object of the same name.
 *
 * Run: `npm run sdk:coverage` (a table), `-- --json` (the data), `-- --markdown FILE`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { DOCUMENTED_NOOPS } from '../src/compat/noops.ts';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export type Status = 'present' | 'no-op' | 'missing';
export interface MemberCoverage {
  name: string;
  status: Status;
  /** For a no-op: why it does nothing. */
  reason?: string;
}
export interface InterfaceCoverage {
  agora: string;
  parley: string;
  members: MemberCoverage[];
}
export interface CoverageReport {
  agoraVersion: string;
  interfaces: InterfaceCoverage[];
  totals: Record<Status, number>;
}

/** Which Parley type stands for each of Agora's interfaces (members, or events when `events`). */
interface Mapping {
  agora: string;
  /** A type reachable from the SDK's index: an exported name, or `default` for the ParleyRTC object. */
  parley: string;
  kind: 'members' | 'events' | 'enum';
}

const MAPPINGS: Mapping[] = [
  { agora: 'IAgoraRTC', parley: 'default', kind: 'members' },
  { agora: 'IAgoraRTCClient', parley: 'ParleyClient', kind: 'members' },
  { agora: 'IAgoraRTCClient events', parley: 'ClientEvents', kind: 'events' },
  { agora: 'ILocalAudioTrack', parley: 'LocalAudioTrack', kind: 'members' },
  { agora: 'IMicrophoneAudioTrack', parley: 'LocalAudioTrack', kind: 'members' },
  { agora: 'ILocalVideoTrack', parley: 'LocalVideoTrack', kind: 'members' },
  { agora: 'ICameraVideoTrack', parley: 'LocalVideoTrack', kind: 'members' },
  { agora: 'IRemoteAudioTrack', parley: 'RemoteAudioTrack', kind: 'members' },
  { agora: 'IRemoteVideoTrack', parley: 'RemoteVideoTrack', kind: 'members' },
  { agora: 'ILocalTrack events', parley: 'LocalTrackEvents', kind: 'events' },
  { agora: 'AgoraRTCErrorCode', parley: 'AgoraRTCErrorCode', kind: 'enum' },
  // Statistics: every field Agora reports, so dashboards written for Agora find their numbers.
  { agora: 'AgoraRTCStats', parley: 'RTCStats', kind: 'members' },
  { agora: 'LocalVideoTrackStats', parley: 'LocalVideoTrackStats', kind: 'members' },
  { agora: 'LocalAudioTrackStats', parley: 'LocalAudioTrackStats', kind: 'members' },
  { agora: 'RemoteVideoTrackStats', parley: 'RemoteVideoTrackStats', kind: 'members' },
  { agora: 'RemoteAudioTrackStats', parley: 'RemoteAudioTrackStats', kind: 'members' },
  { agora: 'NetworkQuality', parley: 'NetworkQuality', kind: 'members' },
];

/** The installed package's folder (its `exports` hide package.json from require.resolve). */
function agoraPackageDir(): string {
  for (let dir = packageDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules/agora-rtc-sdk-ng');
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error('agora-rtc-sdk-ng is not installed: run npm ci');
  }
}

function agoraDeclarations(): { file: string; version: string } {
  const manifest = path.join(agoraPackageDir(), 'package.json');
  const { version, types } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { version: string; types: string };
  return { file: path.join(path.dirname(manifest), types), version };
}

function program(file: string): { checker: ts.TypeChecker; source: ts.SourceFile } {
  const created = ts.createProgram([file], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
  });
  return { checker: created.getTypeChecker(), source: created.getSourceFile(file)! };
}

function exportedSymbol(checker: ts.TypeChecker, source: ts.SourceFile, name: string): ts.Symbol | undefined {
  const moduleSymbol = checker.getSymbolAtLocation(source);
  const found = moduleSymbol && checker.getExportsOfModule(moduleSymbol).find((symbol) => symbol.name === name);
  return found && found.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(found) : found;
}

function declaredType(checker: ts.TypeChecker, symbol: ts.Symbol): ts.Type {
  return symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class | ts.SymbolFlags.TypeAlias)
    ? checker.getDeclaredTypeOfSymbol(symbol)
    : checker.getTypeOfSymbol(symbol);
}

/** Agora's members of an interface, inherited ones included; event overloads are not members. */
function agoraMembers(checker: ts.TypeChecker, source: ts.SourceFile, name: string): string[] {
  const symbol = exportedSymbol(checker, source, name);
  if (!symbol) throw new Error(`Agora's declarations have no ${name}`);
  return checker.getPropertiesOfType(declaredType(checker, symbol)).map((property) => property.name).sort();
}

/** The event names of Agora's `on(event: "name", …)` overloads in an interface and its bases. */
function agoraEvents(checker: ts.TypeChecker, source: ts.SourceFile, name: string): string[] {
  const symbol = exportedSymbol(checker, source, name);
  const on = symbol && checker.getPropertyOfType(declaredType(checker, symbol), 'on');
  const events = new Set<string>();
  for (const declaration of on?.declarations ?? []) {
    const first = ts.isMethodSignature(declaration) ? declaration.parameters[0] : undefined;
    if (first?.type && ts.isLiteralTypeNode(first.type) && ts.isStringLiteral(first.type.literal)) events.add(first.type.literal.text);
  }
  return [...events].sort();
}

function agoraEnum(checker: ts.TypeChecker, source: ts.SourceFile, name: string): string[] {
  const symbol = exportedSymbol(checker, source, name);
  return symbol?.exports ? [...(symbol.exports.keys() as Iterable<string>)].sort() : [];
}

function parleyNames(checker: ts.TypeChecker, source: ts.SourceFile, mapping: Mapping): Set<string> {
  const symbol = exportedSymbol(checker, source, mapping.parley);
  if (!symbol) throw new Error(`the SDK exports no ${mapping.parley}`);
  // An enum's counterpart is a frozen object of the same names, so its properties are compared too.
  const type = mapping.kind === 'enum' ? checker.getTypeOfSymbol(symbol) : declaredType(checker, symbol);
  return new Set(checker.getPropertiesOfType(type).map((property) => property.name));
}

export function coverage(): CoverageReport {
  const agora = agoraDeclarations();
  const theirs = program(agora.file);
  const ours = program(path.join(packageDir, 'src/index.ts'));
  const noops = DOCUMENTED_NOOPS as Record<string, Record<string, string>>;
  const interfaces = MAPPINGS.map((mapping): InterfaceCoverage => {
    const [agoraName] = mapping.agora.split(' ') as [string];
    // Agora's declarations also list its internals (`_events`, `_setRteInfo`…): not API, not counted.
    const names = (mapping.kind === 'events'
      ? agoraEvents(theirs.checker, theirs.source, agoraName)
      : mapping.kind === 'enum' ? agoraEnum(theirs.checker, theirs.source, agoraName) : agoraMembers(theirs.checker, theirs.source, agoraName)).filter((name) => !name.startsWith('_'));
    const present = parleyNames(ours.checker, ours.source, mapping);
    const members = names.map((name): MemberCoverage => {
      // Member no-ops are keyed by Agora's interface name, event no-ops by the mapping's ("… events").
      const reason = noops[mapping.kind === 'events' ? mapping.agora : agoraName]?.[name];
      if (!present.has(name)) return { name, status: 'missing' };
      return reason ? { name, status: 'no-op', reason } : { name, status: 'present' };
    });
    return { agora: mapping.agora, parley: mapping.parley === 'default' ? 'ParleyRTC' : mapping.parley, members };
  });
  const totals: Record<Status, number> = { present: 0, 'no-op': 0, missing: 0 };
  for (const { members } of interfaces) for (const { status } of members) totals[status]++;
  return { agoraVersion: agora.version, interfaces, totals };
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`;
}

export function markdown(report: CoverageReport): string {
  const rows = report.interfaces.map(({ agora, parley, members }) => {
    const count = (status: Status) => members.filter((m) => m.status === status).length;
    return `| ${agora} | ${parley} | ${count('present')} | ${count('no-op')} | ${count('missing')} | ${percent(count('present') + count('no-op'), members.length)} |`;
  });
  const { present, 'no-op': noop, missing } = report.totals;
  const lines = [
    `# ParleyRTC against agora-rtc-sdk-ng ${report.agoraVersion}`,
    '',
    '| Agora | Parley | present | no-op | missing | covered |',
    '|---|---|---:|---:|---:|---:|',
    ...rows,
    `| **all** | | **${present}** | **${noop}** | **${missing}** | **${percent(present + noop, present + noop + missing)}** |`,
    '',
  ];
  for (const { agora, members } of report.interfaces) {
    const missingNames = members.filter((m) => m.status === 'missing').map((m) => `\`${m.name}\``);
    const noopLines = members.filter((m) => m.status === 'no-op').map((m) => `- \`${m.name}\`: ${m.reason}`);
    if (missingNames.length === 0 && noopLines.length === 0) continue;
    lines.push(`## ${agora}`, '');
    if (noopLines.length) lines.push('No-ops:', '', ...noopLines, '');
    if (missingNames.length) lines.push(`Missing: ${missingNames.join(', ')}`, '');
  }
  return lines.join('\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const report = coverage();
  const args = process.argv.slice(2);
  const markdownAt = args.indexOf('--markdown');
  if (args.includes('--json')) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (markdownAt >= 0 && args[markdownAt + 1]) fs.writeFileSync(args[markdownAt + 1]!, markdown(report));
  else process.stdout.write(markdown(report));
}
