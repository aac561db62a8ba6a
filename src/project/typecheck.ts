import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as TS from 'typescript';
import { FleetError } from '../model/errors';

/** One type error, as `file:line:column: message`. */
export interface TypeDiagnostic {
  /** The file, absolute; undefined for an error of the compiler options. */
  readonly file?: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** The compiler's message, with its code: `Type 'string' is not assignable to type 'number'. (TS2322)`. */
  readonly message: string;
}

/** The outcome of type-checking a fleet module. */
export interface TypecheckResult {
  /** Every type error, in file and position order; empty when the module type-checks. */
  readonly diagnostics: readonly TypeDiagnostic[];
  /** Whether the result came from the cache (no file changed since the last check). */
  readonly cached: boolean;
  /** How many files the check covered (the module, its imports and their declarations). */
  readonly files: number;
}

/** Options of {@link typecheckFleetModule}. */
export interface TypecheckOptions {
  /**
   * Where results are cached.
   *
   * @default - `$FLEETWRIGHT_CACHE_DIR`, else `node_modules/.cache/fleetwright` of the module's project (else of fleetwright's own)
   */
  readonly cacheDir?: string;
}

/** A fleet module that does not type-check: the CLI prints every error and exits 1 before synthesis. */
export class TypecheckError extends FleetError {
  /** Every type error. */
  public readonly diagnostics: readonly TypeDiagnostic[];

  /**
   * @param module the module as given on the command line
   * @param diagnostics its type errors (at least one)
   */
  constructor(module: string, diagnostics: readonly TypeDiagnostic[]) {
    const shown = diagnostics.slice(0, MAX_SHOWN);
    super(
      '',
      `--fleet ${module} does not type-check (${diagnostics.length} error${diagnostics.length === 1 ? '' : 's'}); nothing was synthesized:\n` +
        shown.map((d) => `  ${formatDiagnostic(d)}`).join('\n') +
        (diagnostics.length > shown.length ? `\n  … and ${diagnostics.length - shown.length} more` : '') +
        '\nfix the types, or pass --no-typecheck (before the command) to load the module without checking them',
    );
    this.name = 'TypecheckError';
    this.diagnostics = diagnostics;
  }
}

const MAX_SHOWN = 30;
const CACHE_VERSION = 1;

/** `fleet.ts:12:5: message`, the path relative to the working directory when inside it. */
export function formatDiagnostic(d: TypeDiagnostic): string {
  if (!d.file) return d.message;
  const rel = path.relative(process.cwd(), d.file);
  return `${rel && !rel.startsWith('..') ? rel : d.file}:${d.line}:${d.column}: ${d.message}`;
}

/** Whether a path is a TypeScript module the CLI type-checks: `.ts`, `.mts`, `.cts` or `.tsx` (not `.d.ts`). */
export function isTypeScriptModule(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
}

// fleetwright's own sources (constructs/, cli/, …): checked by its build, not with each fleet.
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..');
const OWN_DIRS = ['src', 'lib'].map((d) => path.join(PACKAGE_ROOT, d) + path.sep);

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function defaultCacheDir(file: string): string {
  if (process.env.FLEETWRIGHT_CACHE_DIR) return process.env.FLEETWRIGHT_CACHE_DIR;
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'fleetwright');
    if (path.dirname(dir) !== dir) continue;
    // A module outside any project: fleetwright's own cache folder, else the OS temp folder.
    const own = path.join(PACKAGE_ROOT, 'node_modules');
    return fs.existsSync(own) ? path.join(own, '.cache', 'fleetwright') : path.join(os.tmpdir(), 'fleetwright-cache');
  }
}

/** The nearest tsconfig.json above the module, found without loading the compiler. */
function findConfigFile(file: string): string | undefined {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'tsconfig.json');
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * The compiler options: the project's tsconfig.json, else strict defaults; the config files read;
 * and the project's own declaration files (ambient `declare module`s the fleet may rely on).
 */
function compilerOptions(
  ts: typeof TS,
  configFile: string | undefined,
): { options: TS.CompilerOptions; configFiles: string[]; declarations: string[] } {
  let options: TS.CompilerOptions;
  const configFiles: string[] = [];
  const declarations: string[] = [];
  if (configFile) {
    const source = ts.readJsonConfigFile(configFile, ts.sys.readFile);
    const parsed = ts.parseJsonSourceFileConfigFileContent(source, ts.sys, path.dirname(configFile), undefined, configFile);
    options = parsed.options;
    configFiles.push(configFile, ...(source.extendedSourceFiles ?? []));
    declarations.push(...parsed.fileNames.filter((f) => /\.d\.[cm]?ts$/.test(f)));
  } else {
    let typeRoots: string[] | undefined;
    try {
      typeRoots = [path.dirname(path.dirname(require.resolve('@types/node/package.json')))];
    } catch {
      typeRoots = undefined;
    }
    options = {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      resolveJsonModule: true,
      ...(typeRoots ? { typeRoots, types: ['node'] } : {}),
    };
  }
  // Only checking: nothing is written, and declaration files of dependencies are not checked.
  return {
    options: {
      ...options,
      noEmit: true,
      skipLibCheck: true,
      incremental: false,
      composite: false,
      declaration: false,
      declarationMap: false,
      sourceMap: false,
      tsBuildInfoFile: undefined,
    },
    configFiles,
    declarations,
  };
}

interface CacheEntry {
  readonly version: number;
  /** Content hash of every file the check read, tsconfig files included. */
  readonly files: Record<string, string>;
}

/** The hash of a file's text as the compiler reads it (without a byte order mark), or undefined when it is gone. */
function hashFile(file: string): string | undefined {
  try {
    return sha256(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
}

function cacheHit(cacheFile: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as CacheEntry;
    if (entry.version !== CACHE_VERSION) return undefined;
    for (const [f, hash] of Object.entries(entry.files)) if (hashFile(f) !== hash) return undefined;
    return entry;
  } catch {
    return undefined;
  }
}

/** At most this many results are kept (one per module path and tsconfig); the least recently written go first. */
const MAX_CACHE_ENTRIES = 100;

function writeCache(cacheFile: string, entry: CacheEntry): void {
  try {
    const dir = path.dirname(cacheFile);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(entry));
    fs.renameSync(tmp, cacheFile);
    const entries = fs
      .readdirSync(dir)
      .filter((f) => /^typecheck-[0-9a-f]+\.json$/.test(f))
      .map((f) => ({ f, at: fs.statSync(path.join(dir, f)).mtimeMs }))
      .sort((x, y) => y.at - x.at);
    for (const { f } of entries.slice(MAX_CACHE_ENTRIES)) fs.rmSync(path.join(dir, f), { force: true });
  } catch {
    // A cache that cannot be written only costs time.
  }
}

function toDiagnostic(ts: typeof TS, d: TS.Diagnostic): TypeDiagnostic {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n    ');
  const message = `${text} (TS${d.code})`;
  if (!d.file || d.start === undefined) return { line: 0, column: 0, message };
  const pos = d.file.getLineAndCharacterOfPosition(d.start);
  return { file: path.resolve(d.file.fileName), line: pos.line + 1, column: pos.character + 1, message };
}

/**
 * Type-checks a TypeScript fleet module and the project files it imports with the TypeScript
 * compiler, using the project's `tsconfig.json` (nearest above the module; strict defaults without
 * one). Declaration files and fleetwright's own sources are not checked (they are by their own
 * builds), but their types are used.
 *
 * A clean result is cached, keyed by the compiler version, the module's path and its tsconfig.json,
 * and valid while the content hashes of every file the check read (the tsconfig files, so the
 * compiler options, included) are unchanged: a rerun with no change only reads and hashes those
 * files, without loading the compiler.
 *
 * @param file the module
 * @param options where the cache lives
 */
export function typecheckFleetModule(file: string, options: TypecheckOptions = {}): TypecheckResult {
  const root = path.resolve(file);
  const configFile = findConfigFile(root);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsVersion = (require('typescript/package.json') as { version: string }).version;
  const key = sha256(JSON.stringify([CACHE_VERSION, tsVersion, root, configFile ?? null]));
  const cacheFile = path.join(options.cacheDir ?? defaultCacheDir(root), `typecheck-${key.slice(0, 24)}.json`);

  // A hit costs reading and hashing the files of the last check, without loading the compiler.
  const hit = cacheHit(cacheFile);
  if (hit) return { diagnostics: [], cached: true, files: Object.keys(hit.files).length };

  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require('typescript') as typeof TS;
  const { options: compiler, configFiles, declarations } = compilerOptions(ts, configFile);
  const program = ts.createProgram({ rootNames: [root, ...declarations], options: compiler });
  const libDir = path.dirname(ts.getDefaultLibFilePath(compiler)) + path.sep;
  const sources = program.getSourceFiles();
  const checked = sources.filter((sf) => {
    const f = path.resolve(sf.fileName);
    return !sf.isDeclarationFile && !f.includes(`${path.sep}node_modules${path.sep}`) && !OWN_DIRS.some((d) => f.startsWith(d));
  });
  const found = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...checked.flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]),
  ].filter((d) => d.category === ts.DiagnosticCategory.Error);
  const diagnostics = found
    .map((d) => toDiagnostic(ts, d))
    .sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || a.line - b.line || a.column - b.column);

  // Only a clean result is kept: an error may go away without any checked file changing (a missing
  // module created, a package installed).
  if (diagnostics.length === 0) {
    const files: Record<string, string> = {};
    for (const f of [...configFiles, ...sources.map((sf) => path.resolve(sf.fileName))]) {
      const hash = f.startsWith(libDir) ? undefined : hashFile(f);
      if (hash !== undefined) files[f] = hash;
    }
    writeCache(cacheFile, { version: CACHE_VERSION, files });
  }
  return { diagnostics, cached: false, files: sources.length };
}
