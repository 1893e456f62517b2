/**
 * Rolls the SDK's public types up into one declaration file, dist/parley-rtc.d.ts, that stands
 * alone: the published package has no dependencies, so it may name nothing outside itself.
 *
 * rollup-plugin-dts bundles the SDK's own declarations. The few protocol types the public API
 * shows (MediaKind, ClientRole, the server's error codes) are built from TypeBox schemas in the
 * unpublished @parley/protocol, so they are written out here as the plain types the compiler
 * resolves them to: still one source of truth, with no TypeBox in the output. The result is then
 * compiled on its own, and any error fails the build.
 */
import path from 'node:path';
import { rollup } from 'rollup';
import { dts } from 'rollup-plugin-dts';
import ts from 'typescript';

const PROTOCOL = '@parley/protocol';

/** The protocol package or one of its subpath exports (`@parley/protocol/constants`…). */
function isProtocol(specifier: string): boolean {
  return specifier === PROTOCOL || specifier.startsWith(`${PROTOCOL}/`);
}

function compilerOptions(repoRoot: string): ts.CompilerOptions {
  const configFile = path.join(repoRoot, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot, undefined, configFile);
  // The SDK runs in browsers: Node's globals must not leak into its public types.
  return { ...options, types: [] };
}

/** The protocol's exported types, each printed as the type it resolves to. */
function protocolTypePrinter(entry: string, options: ts.CompilerOptions): (name: string) => PrintedExport {
  const program = ts.createProgram([entry], options);
  const checker = program.getTypeChecker();
  const exports = new Map<string, ts.Symbol>();
  for (const source of program.getSourceFiles()) {
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !isProtocol(statement.moduleSpecifier.text)) continue;
      const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
      for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) exports.set(symbol.name, symbol);
    }
  }
  return (name) => {
    const exported = exports.get(name);
    if (!exported) throw new Error(`${PROTOCOL} has no export ${name} that the SDK imports`);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
    return {
      type: symbol.flags & ts.SymbolFlags.Type ? checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags) : undefined,
      // Constants the SDK re-exports (Agora's enums as objects) are values too: `declare const`.
      value: symbol.flags & ts.SymbolFlags.Value ? checker.typeToString(checker.getTypeOfSymbol(symbol), undefined, flags) : undefined,
    };
  };
}

/** A protocol export as printed: its type, its value's type, or both (a const and a type of one name). */
interface PrintedExport {
  type: string | undefined;
  value: string | undefined;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function fromProtocol(statement: ts.Statement): statement is ts.ImportDeclaration | ts.ExportDeclaration {
  return (
    (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
    statement.moduleSpecifier !== undefined &&
    ts.isStringLiteral(statement.moduleSpecifier) &&
    isProtocol(statement.moduleSpecifier.text)
  );
}

function namedElements(statement: ts.ImportDeclaration | ts.ExportDeclaration): Array<{ name: string; as: string }> {
  const bindings = ts.isImportDeclaration(statement) ? statement.importClause?.namedBindings : statement.exportClause;
  if (!bindings || !(ts.isNamedImports(bindings) || ts.isNamedExports(bindings))) throw new Error(`Unexpected ${PROTOCOL} statement: ${statement.getText()}`);
  return bindings.elements.map((element) => ({ name: (element.propertyName ?? element.name).getText(), as: element.name.getText() }));
}

/**
 * Makes the bundle self-contained: imports and re-exports from the protocol become local type
 * aliases, and augmentations of the SDK's own modules (`declare module "./index" {…}`, which
 * cloudOnly.ts uses to add Agora's cloud calls to ParleyClient) become plain declarations, for in
 * one file they augment the very declarations beside them.
 */
function makeStandalone(code: string, printType: (name: string) => PrintedExport): string {
  const source = ts.createSourceFile('parley-rtc.d.ts', code, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const declared = new Map<string, string>(); // protocol name → local alias
  const declaredValues = new Set<string>(); // local aliases that are values too
  const statements = source.statements.filter(fromProtocol);
  // The main entry's values are TypeBox schemas (types only here); subpaths such as
  // `/constants` are TypeBox-free, and their constants become `declare const`s.
  const printed = (statement: ts.ImportDeclaration | ts.ExportDeclaration, name: string): PrintedExport => {
    const { type, value } = printType(name);
    return { type, value: (statement.moduleSpecifier as ts.StringLiteral).text === PROTOCOL ? undefined : value };
  };
  for (const statement of statements.filter(ts.isImportDeclaration)) {
    const aliases = namedElements(statement).map(({ name, as }) => {
      const { type, value } = printed(statement, name);
      declared.set(name, as);
      declaredValues.add(as);
      if (!value) declaredValues.delete(as);
      return [value && `declare const ${as}: ${value};`, type && `type ${as} = ${type};`].filter(Boolean).join('\n');
    });
    edits.push({ start: statement.getStart(), end: statement.getEnd(), text: aliases.join('\n') });
  }
  for (const statement of statements.filter(ts.isExportDeclaration)) {
    const exports = namedElements(statement).map(({ name, as }) => {
      const local = declared.get(name);
      if (!local) {
        const { type, value } = printed(statement, name);
        return [value && `export declare const ${as}: ${value};`, type && `export type ${as} = ${type};`].filter(Boolean).join('\n');
      }
      return `export ${declaredValues.has(local) ? '' : 'type '}{ ${local === as ? local : `${local} as ${as}`} };`;
    });
    edits.push({ start: statement.getStart(), end: statement.getEnd(), text: exports.join('\n') });
  }
  for (const statement of source.statements) {
    if (!ts.isModuleDeclaration(statement) || !ts.isStringLiteral(statement.name) || !statement.name.text.startsWith('.')) continue;
    const body = statement.body && ts.isModuleBlock(statement.body) ? statement.body.statements : [];
    edits.push({ start: statement.getStart(), end: statement.getEnd(), text: body.map((inner) => inner.getText()).join('\n') });
  }
  let output = code;
  for (const edit of edits.sort((a, b) => b.start - a.start)) output = output.slice(0, edit.start) + edit.text + output.slice(edit.end);
  return output;
}

/** Type-checks the finished declarations alone, as a user's compiler will read them. */
function checkStandalone(file: string, code: string): void {
  const host = ts.createCompilerHost({});
  const readFile = host.readFile.bind(host);
  host.readFile = (name) => (path.resolve(name) === file ? code : readFile(name));
  host.fileExists = ((exists) => (name: string) => path.resolve(name) === file || exists(name))(host.fileExists.bind(host));
  const options: ts.CompilerOptions = { strict: true, noEmit: true, types: [], lib: ['lib.es2020.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'], target: ts.ScriptTarget.ES2020 };
  const program = ts.createProgram([file], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(`The rolled-up declarations do not compile alone:\n${ts.formatDiagnostics(diagnostics, host)}`);
  if (/^\s*(import|export)\b[^\n]*\bfrom\s/m.test(code)) throw new Error('The rolled-up declarations still import from another package');
}

/** The declaration file's text for the SDK entry `entry`, to be written to `outFile`. */
export async function buildDeclarations(entry: string, outFile: string, repoRoot: string): Promise<string> {
  const options = compilerOptions(repoRoot);
  const bundle = await rollup({ input: entry, external: [PROTOCOL, new RegExp(`^${PROTOCOL}/`)], plugins: [dts({ compilerOptions: options })], logLevel: 'warn' });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const code = makeStandalone(output[0].code, protocolTypePrinter(entry, options));
  checkStandalone(path.resolve(outFile), code);
  return code;
}
