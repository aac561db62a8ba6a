import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from './errors';

/** The project template `init` copies: `templates/project` of the fleetwright package (from src/ and lib/ alike). */
export const TEMPLATE_DIR = path.resolve(__dirname, '..', '..', 'templates', 'project');

/** The regions of a new project unless `--regions` says otherwise. */
export const DEFAULT_REGIONS: readonly string[] = ['us-west', 'us-east'];

/** Options of {@link initProject}. */
export interface InitOptions {
  /**
   * The npm package name (`name` or `@scope/name`); its last part, a DNS label, names the fleet
   * and the Pulumi project.
   *
   * @default - the folder's name
   */
  readonly name?: string;
  /**
   * The regions: one Pulumi stack, one cluster group and two clusters (`<region>-prod`,
   * `<region>-dev`) each. DNS labels of at most 54 characters.
   *
   * @default ['us-west', 'us-east']
   */
  readonly regions?: readonly string[];
  /**
   * The `fleetwright` dependency of the project's package.json, verbatim (a version range, a
   * `file:` tarball, a git URL).
   *
   * @default - `^<this fleetwright's version>`
   */
  readonly from?: string;
}

/** What {@link initProject} wrote. */
export interface InitResult {
  /** The project folder, absolute. */
  readonly dir: string;
  /** The files written, relative to `dir`, sorted. */
  readonly files: readonly string[];
  /** What to run next. */
  readonly nextSteps: string;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** The longest suffix `fleet.ts` appends to a region to name a cluster or group (`-clusters`). */
const LONGEST_REGION_SUFFIX = '-clusters'.length;

/** This fleetwright's version, from its package.json. */
function ownVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Why `name` is not a usable package name, or undefined. Returns the fleet name otherwise. */
function checkName(name: string): { fleetName: string } | { problem: string } {
  const m = /^(?:@([^/]+)\/)?([^/]+)$/.exec(name);
  if (!m) return { problem: 'it is neither `name` nor `@scope/name`' };
  const [, scope, base] = m;
  if (scope !== undefined && !/^[a-z0-9][a-z0-9._~-]*$/.test(scope)) return { problem: `the scope '@${scope}' is not a valid npm scope` };
  if (base.length > 63 || !DNS_LABEL.test(base)) {
    return {
      problem: `'${base}' must be a DNS label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters)`,
    };
  }
  if (name.length > 214) return { problem: 'npm package names have at most 214 characters' };
  return { fleetName: base };
}

function checkRegion(region: string): string | undefined {
  const max = 63 - LONGEST_REGION_SUFFIX;
  if (!DNS_LABEL.test(region)) {
    return `--regions: '${region}' is not a DNS label; use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. us-west)`;
  }
  if (region.length > max) {
    return `--regions: '${region}' is longer than ${max} characters; cluster names such as '${region}-prod' must be DNS labels of at most 63, so choose a shorter region name`;
  }
  return undefined;
}

/** Every template file, relative to the template folder, sorted. */
function templateFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...templateFiles(dir, child));
    else if (e.isFile()) out.push(child);
  }
  return out;
}

/** A template path as written: `dot-x` segments become `.x` (npm does not pack `.gitignore`). */
const outputPath = (rel: string): string =>
  rel
    .split('/')
    .map((s) => s.replace(/^dot-/, '.'))
    .join('/');

/** Replaces the known `{{key}}` placeholders; others (GitHub's `${{ … }}`) are left alone. */
function substitute(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => vars[key] ?? whole);
}

/**
 * Creates a fleet project in `dir` from the template: package.json (with
 * `"fleetwright": { "fleet": "fleet.ts" }`), the fleet, its region overlays, a cdk8s-plus bundle,
 * jest tests using `fleetwright/testing`, the Pulumi program and one stack per region, a CI
 * workflow and a README. Checks everything before writing anything; never overwrites or deletes a
 * file.
 *
 * @param dir the project folder: new, or empty
 * @param options name, regions and the fleetwright dependency
 * @default options {}
 * @returns what was written and what to run next
 * @throws UsageError for a folder that is not empty, a path that is a file, or an invalid name or region
 */
export function initProject(dir: string, options: InitOptions = {}): InitResult {
  const root = path.resolve(dir);
  const shown = displayPath(root);

  // Every problem of the command line, reported at once before anything is written.
  const problems: string[] = [];
  // The folder: new, or an empty folder; nothing above it may be a file.
  let fileAbove: string | undefined;
  for (let d = root; ; d = path.dirname(d)) {
    if (fs.existsSync(d) && !fs.statSync(d).isDirectory()) fileAbove = d;
    if (path.dirname(d) === d) break;
  }
  if (fileAbove !== undefined) {
    problems.push(
      fileAbove === root
        ? `${shown} is a file, not a folder; choose an empty or new folder for the project`
        : `${shown}: ${path.relative(process.cwd(), fileAbove) || fileAbove} is a file, not a folder; choose an empty or new folder for the project`,
    );
  } else if (fs.existsSync(root)) {
    const entries = fs.readdirSync(root);
    if (entries.length > 0) {
      const listed = entries.slice(0, 3).join(', ') + (entries.length > 3 ? `, … (${entries.length} entries)` : '');
      problems.push(
        `${shown} is not empty (${listed}); choose an empty or new folder for the project (init never overwrites or deletes files)`,
      );
    }
  }

  const name = options.name ?? path.basename(root);
  const checked = checkName(name);
  if ('problem' in checked) {
    problems.push(
      options.name === undefined
        ? `the folder name '${name}' cannot be the project's name: ${checked.problem}; pass --name <name> (e.g. --name my-fleet)`
        : `--name ${name}: ${checked.problem}; use a name such as my-fleet or @my-org/my-fleet`,
    );
  }

  const regions = [...(options.regions ?? DEFAULT_REGIONS)];
  if (regions.length === 0)
    problems.push('--regions: no region given; pass one or more, separated by commas (e.g. --regions us-west,us-east)');
  for (const region of regions) {
    const problem = checkRegion(region);
    if (problem) problems.push(problem);
  }
  const duplicate = regions.find((r, i) => regions.indexOf(r) !== i);
  if (duplicate) problems.push(`--regions: '${duplicate}' is given twice; name each region once`);

  const from = options.from ?? `^${ownVersion()}`;
  if (from.trim() === '') problems.push('--from: the package spec is empty; pass a version range, a file: tarball or a URL');
  // One line per problem, each read as its own error.
  if (problems.length > 0) throw new UsageError(problems.join('\nerror: '));
  const vars: Record<string, string> = {
    name,
    fleetName: 'fleetName' in checked ? checked.fleetName : name,
    from: JSON.stringify(from).slice(1, -1),
    regions: regions.join(', '),
    regionList: regions.map((r) => `'${r}'`).join(', '),
    firstRegion: regions[0],
  };

  // Render every file in memory first: a template problem leaves nothing half written.
  const files = new Map<string, string>();
  for (const rel of templateFiles(TEMPLATE_DIR)) {
    const text = fs.readFileSync(path.join(TEMPLATE_DIR, rel), 'utf8');
    const perRegion = rel.includes('{{region}}') ? regions : [undefined];
    for (const region of perRegion) {
      const v = region === undefined ? vars : { ...vars, region };
      files.set(substitute(outputPath(rel), v), substitute(text, v));
    }
  }

  fs.mkdirSync(root, { recursive: true });
  for (const [rel, text] of files) {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text, { flag: 'wx' });
  }

  const cd = /^[\w./@+-]+$/.test(shown) ? shown : `'${shown.replace(/'/g, `'\\''`)}'`;
  return {
    dir: root,
    files: [...files.keys()].sort(),
    nextSteps: `cd ${cd} && npm install && npm test`,
  };
}

/** `dir` relative to the working directory when inside it, else absolute. */
export function displayPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? dir : rel;
}
