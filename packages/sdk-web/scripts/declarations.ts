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

function compilerOptions(repoRoot: string): ts.CompilerOptions {
  const configFile = path.join(repoRoot, 'tsconfig.json');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, repoRoot, undefined, configFile);
  // The SDK runs in browsers: Node's globals must not leak into its public types.
  return { ...options, types: [] };
}

/** The protocol's exported types, each printed as the type it resolves to. */
function protocolTypePrinter(entry: string, options: ts.CompilerOptions): (name: string) => string {
  const program = ts.createProgram([entry], options);
  const checker = program.getTypeChecker();
  const exports = new Map<string, ts.Symbol>();
  for (const source of program.getSourceFiles()) {
    for (const statement of source.statements) {
      if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || statement.moduleSpecifier.text !== PROTOCOL) continue;
      const moduleSymbol = checker.getSymbolAtLocation(statement.moduleSpecifier);
      for (const symbol of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) exports.set(symbol.name, symbol);
    }
  }
  return (name) => {
    const exported = exports.get(name);
    if (!exported) throw new Error(`${PROTOCOL} has no export ${name} that the SDK imports`);
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias | ts.TypeFormatFlags.UseSingleQuotesForStringLiteralType;
    return checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags);
  };
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
    statement.moduleSpecifier.text === PROTOCOL
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
function makeStandalone(code: string, printType: (name: string) => string): string {
  const source = ts.createSourceFile('parley-rtc.d.ts', code, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const declared = new Map<string, string>(); // protocol name → local alias
  const statements = source.statements.filter(fromProtocol);
  for (const statement of statements.filter(ts.isImportDeclaration)) {
    const aliases = namedElements(statement).map(({ name, as }) => {
      declared.set(name, as);
      return `type ${as} = ${printType(name)};`;
    });
    edits.push({ start: statement.getStart(), end: statement.getEnd(), text: aliases.join('\n') });
  }
  for (const statement of statements.filter(ts.isExportDeclaration)) {
    const exports = namedElements(statement).map(({ name, as }) => {
      const local = declared.get(name);
      if (!local) return `export type ${as} = ${printType(name)};`;
      return `export type { ${local === as ? local : `${local} as ${as}`} };`;
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
  const bundle = await rollup({ input: entry, external: [PROTOCOL], plugins: [dts({ compilerOptions: options })], logLevel: 'warn' });
  const { output } = await bundle.generate({ format: 'es' });
  await bundle.close();
  const code = makeStandalone(output[0].code, protocolTypePrinter(entry, options));
  checkStandalone(path.resolve(outFile), code);
  return code;
}
