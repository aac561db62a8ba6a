import * as fs from 'node:fs';
import * as path from 'node:path';
import Table from 'cli-table3';
import { Command, CommanderError } from 'commander';
import { FleetError, FleetValidationError, formatProblem, Problem } from '../model/errors';
import { Fleet } from '../model/fleet';
import { placementMatrix, rolloutPlan } from '../model/placement';
import { maskSecretValues, redactText } from '../model/redaction';
import { explain } from '../synth/explain';
import { writeSynthesis } from '../synth/output';
import { synthesizeFleet } from '../synth/synth';
import { diffDesired, hasChanges } from '../diff/compare';
import { desiredFromSynthesis } from '../diff/model';
import { DIFF_FORMATS, DiffFormat, renderDiff } from '../diff/render';
import { compareClusters, renderSkew, resolveClusters } from '../diff/skew';
import { LoadedSide, loadSide } from '../diff/sources';
import { DeployCommandOptions, projectRoot, runDeployCommand, runPreviewCommand, runStatusCommand } from './deploy';
import { runDevDown, runDevStatus, runDevUp } from './dev';
import { importFleetBundle, parseLabels, renderFleetBundle } from './fleet-bundles';
import { configureLoad, loadFleet, UsageError } from '../project/load';
import { CliIo, processIo, redactingIo } from './io';
export type { CliIo } from './io';

function printWarnings(io: CliIo, problems: readonly Problem[]): void {
  for (const p of problems) io.err(`${formatProblem(p)}\n`);
}

function parseFormat(format: string): DiffFormat {
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format ${format}: use text, markdown or json`);
  return format as DiffFormat;
}

/** Commander's own errors (unknown command, missing argument) end with where to read the usage. */
const withUsageHint = (text: string): string =>
  /^error: /.test(text) ? `${text.trimEnd().replace(/\.$/, '')}; run \`fleetwright <command> --help\` for its usage\n` : text;

const wantsColor = (): boolean => !!process.stdout.isTTY && !process.env.NO_COLOR;

/** Builds the `fleetwright` command tree; async commands put their exit code into `result`. */
export function buildProgram(io: CliIo, result: { exitCode: number } = { exitCode: 0 }): Command {
  const program = new Command('fleetwright')
    .description('Run a fleet of Kubernetes clusters as code')
    .option('--fleet <module>', "module exporting the fleet definition (default: the project's own fleet)")
    .option('--no-typecheck', 'load a TypeScript --fleet module without type-checking it first')
    .hook('preAction', (root) => configureLoad({ typecheck: root.opts<{ typecheck: boolean }>().typecheck }))
    .option('--debug', 'print the stack of an internal error')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(withUsageHint(text)) });

  const fleetOption = (): string | undefined => program.opts<{ fleet?: string }>().fleet;
  /** Loads the fleet and checks that `--region`, when given, has clusters. */
  const loadFleetForRegion = (region: string | undefined): Fleet => {
    const fleet = loadFleet(fleetOption());
    if (region !== undefined && !fleet.regions.includes(region)) {
      throw new UsageError(`--region ${region}: no cluster is in this region; use one of ${fleet.regions.join(', ')}`);
    }
    return fleet;
  };

  program
    .command('synth')
    .description("write every cluster's manifests to DIR/<region>/<cluster>/<bundle>.yaml and DIR/index.json")
    .option('--region <region>', 'only the clusters of this region')
    .option('--out <dir>', 'output folder: created, or replaced when an earlier synth wrote it (never a folder of other files)', 'dist')
    .action((opts: { region?: string; out: string }) => {
      const synth = synthesizeFleet(loadFleet(fleetOption()), { region: opts.region });
      printWarnings(io, synth.warnings);
      const { files, leftovers } = writeSynthesis(synth, opts.out);
      for (const l of leftovers) io.err(`note: removed ${l}, left by an interrupted synth\n`);
      const objects = synth.clusters.reduce((n, c) => n + c.namespaces.length + c.bundles.reduce((m, b) => m + b.objects.length, 0), 0);
      io.out(`synthesized ${synth.clusters.length} clusters, ${objects} objects, ${files} files into ${opts.out}\n`);
    });

  program
    .command('targets')
    .description('show the bundle × cluster matrix: the target or customization that matched, or why nothing did')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const cells = placementMatrix(fleet);
      if (opts.json) {
        io.out(
          `${JSON.stringify(
            cells.map((c) => ({
              bundle: c.bundle,
              cluster: c.cluster,
              deployed: c.placement.deployed,
              target: c.placement.target ?? null,
              customizations: c.placement.customizationNames,
              reason: c.placement.reason,
            })),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const clusters = fleet.clusters.map((c) => c.clusterName);
      const table = new Table({ head: ['bundle', ...clusters], style: { head: [], border: [] } });
      for (const bundle of fleet.bundles) {
        table.push([
          bundle.bundleName,
          ...clusters.map((cluster) => {
            const p = cells.find((c) => c.bundle === bundle.bundleName && c.cluster === cluster)?.placement;
            if (!p?.deployed) return '-';
            return p.customizationNames.length > 0 ? `${p.target} +${p.customizationNames.join('+')}` : (p.target ?? '');
          }),
        ]);
      }
      io.out(`${table.toString()}\n`);
      const missing = cells.filter((c) => !c.placement.deployed);
      if (missing.length > 0) {
        io.out('\nnot deployed:\n');
        for (const c of missing) io.out(`  ${c.bundle} on ${c.cluster}: ${c.placement.reason}\n`);
      }
    });

  program
    .command('explain')
    .description('show each effective value of a bundle on a cluster and the layer it came from')
    .argument('<cluster>', 'cluster name')
    .argument('<bundle>', 'bundle name')
    .option('--json', 'print JSON')
    .action((cluster: string, bundle: string, opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const raw = explain(fleet, cluster, bundle);
      // Synthesizing the cluster's bundles shows which values end up in Secrets: those are masked.
      try {
        synthesizeFleet(fleet, { region: fleet.clusters.find((c) => c.clusterName === cluster)?.region });
      } catch {
        // explain stays useful for a fleet that does not synthesize yet
      }
      const e = {
        ...raw,
        values: {
          ...raw.values,
          values: maskSecretValues(raw.values.values),
          explained: raw.values.explained.map((v) => ({ ...v, value: maskSecretValues(v.value) })),
        },
      };
      if (opts.json) {
        io.out(`${JSON.stringify(e, null, 2)}\n`);
        return;
      }
      io.out(`bundle '${bundle}' on cluster '${cluster}': ${e.placement.deployed ? 'deployed' : 'not deployed'} (${e.placement.reason})\n`);
      io.out(`groups: ${e.groups.join(', ') || '(none)'}\n`);
      io.out(`defaultNamespace: ${e.defaultNamespace.value}  [${e.defaultNamespace.origin.layer} ${e.defaultNamespace.origin.source}]\n`);
      if (e.namespace) io.out(`namespace: ${e.namespace.value}  [${e.namespace.origin.layer} ${e.namespace.origin.source}]\n`);
      if (!e.placement.deployed) return;
      // A description column when the bundle's valuesSchema describes any value.
      const described = e.values.explained.some((v) => v.description !== undefined);
      const table = new Table({
        head: ['value', 'effective', 'layer', 'from', ...(described ? ['description'] : [])],
        style: { head: [], border: [] },
      });
      for (const v of e.values.explained) {
        table.push([v.path, JSON.stringify(v.value), v.origin.layer, v.origin.source, ...(described ? [v.description ?? ''] : [])]);
      }
      io.out(`${table.toString()}\n`);
      io.out('precedence (lowest first): bundle < group < overlay < customization < cluster\n');
    });

  program
    .command('plan')
    .description('print the rollout plan: partitions in order and the clusters of each, without deploying')
    .option('--region <region>', 'only the clusters of this region (one stack)')
    .option('--json', 'print JSON')
    .action((opts: { region?: string; json?: boolean }) => {
      const fleet = loadFleetForRegion(opts.region);
      const plan = rolloutPlan(fleet, opts.region);
      if (opts.json) {
        io.out(`${JSON.stringify(plan, null, 2)}\n`);
        return;
      }
      io.out(`rollout plan${opts.region ? ` for region ${opts.region}` : ''}: ${plan.partitions.length} partition(s)\n`);
      plan.partitions.forEach((p, i) => {
        io.out(`${i + 1}. ${p.name} (maxUnavailable ${p.maxUnavailable})\n`);
        p.waves.forEach((w, j) => io.out(`   wave ${j + 1}: ${w.join(', ')}\n`));
      });
      if (plan.notRolledOut.length > 0) io.out(`not rolled out (no partition matches): ${plan.notRolledOut.join(', ')}\n`);
    });

  const deployOptions = (opts: { region?: string; local?: boolean }): DeployCommandOptions => {
    const fleet = loadFleetForRegion(opts.region);
    return {
      regions: opts.region ? [opts.region] : fleet.regions,
      local: !!opts.local,
      fleet: () => loadFleet(fleetOption()),
      explicitFleet: fleetOption() !== undefined,
    };
  };
  for (const [name, description] of [
    ['up', 'deploy each region stack (or --region R) through the Automation API, in rollout order, and print the status table'],
    ['destroy', 'remove everything fleetwright deployed in each region stack (or --region R)'],
  ] as const) {
    program
      .command(name)
      .description(description)
      .option('--region <region>', 'only this region')
      .option('--local', 'use the local fleet (stacks local-<region>, kubeconfigs from `dev up`)')
      .action(async (opts: { region?: string; local?: boolean }) => {
        result.exitCode = await runDeployCommand(name, deployOptions(opts), io);
      });
  }
  program
    .command('preview')
    .description(
      'what `up` would change on which cluster, from the real engine: one report for each region stack (or --region R) ' +
        '(exit 0: none, 2: changes, 1: error)',
    )
    .option('--region <region>', 'only this region')
    .option('--local', 'use the local fleet (stacks local-<region>, kubeconfigs from `dev up`)')
    .option('--refresh', 'read the live objects first, so changes made on the clusters show as drift')
    .option('--format <format>', 'text, markdown or json', 'text')
    .option('--verbose', "also stream the engine's output to stderr")
    .action(async (opts: { region?: string; local?: boolean; refresh?: boolean; format: string; verbose?: boolean }) => {
      const format = parseFormat(opts.format);
      result.exitCode = await runPreviewCommand(
        {
          ...deployOptions(opts),
          refresh: !!opts.refresh,
          format,
          color: format === 'text' && wantsColor(),
          verbose: !!opts.verbose,
        },
        io,
      );
    });
  program
    .command('status')
    .description("print the bundle × cluster table of states from the region stacks' outputs")
    .option('--region <region>', 'only this region')
    .option('--local', "use the local fleet's stacks")
    .option('--json', 'print the stack outputs as JSON')
    .action(async (opts: { region?: string; local?: boolean; json?: boolean }) => {
      result.exitCode = await runStatusCommand({ ...deployOptions(opts), json: !!opts.json }, io);
    });

  program
    .command('diff')
    .description('what changes on which cluster between two fleet definitions, without credentials (exit 0: none, 2: changes, 1: error)')
    .requiredOption('--base <ref|dir>', 'git ref or synth output folder to compare against')
    .option('--head <ref|dir>', 'git ref or synth output folder (default: the working tree)')
    .option('--format <format>', 'text, markdown or json', 'text')
    .action((opts: { base: string; head?: string; format: string }) => {
      const format = parseFormat(opts.format);
      const root = projectRoot();
      const fleetModule = fleetOption() && path.relative(root, path.resolve(fleetOption() as string));
      const sides: LoadedSide[] = [];
      try {
        const base = loadSide(opts.base, root, fleetModule);
        sides.push(base);
        const head = opts.head ? loadSide(opts.head, root, fleetModule) : undefined;
        if (head) sides.push(head);
        for (const side of sides) if (side.note) io.err(`note: ${side.note}\n`);
        const headState = head?.state ?? desiredFromSynthesis(synthesizeFleet(loadFleet(fleetOption())));
        const d = diffDesired(base.state, headState, { base: opts.base, head: opts.head ?? 'working tree' });
        io.out(renderDiff(d, format, format === 'text' && wantsColor()));
        result.exitCode = hasChanges(d) ? 2 : 0;
      } finally {
        for (const side of sides) side.dispose();
      }
    });

  program
    .command('render')
    .description('print the manifests a Rancher Fleet bundle folder yields for a cluster with these labels and name (the migration check)')
    .argument('<dir>', 'a Fleet bundle folder (with or without fleet.yaml)')
    .option('--label <key=value>', 'a cluster label (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--name <cluster>', 'the cluster name', 'local')
    .action((dir: string, opts: { label: string[]; name: string }) => {
      const { yaml, notes } = renderFleetBundle(dir, { name: opts.name, labels: parseLabels(opts.label) });
      for (const n of notes) io.err(`${n}\n`);
      io.out(yaml);
    });

  program
    .command('import')
    .description('write a typed TypeScript definition of a Rancher Fleet bundle folder')
    .argument('<dir>', 'a Fleet bundle folder')
    .option('--out <file>', 'write to this file instead of stdout')
    .option('--import-from <module>', 'module the generated code imports fleetwright from', 'fleetwright')
    .option('--force', 'overwrite the --out file when it exists')
    .action((dir: string, opts: { out?: string; importFrom: string; force?: boolean }) => {
      for (let dir = path.dirname(path.resolve(opts.out ?? '.')); opts.out && path.dirname(dir) !== dir; dir = path.dirname(dir)) {
        if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory())
          throw new UsageError(
            `--out ${opts.out}: ${path.relative(process.cwd(), dir) || dir} is a file, not a folder; choose a path in a folder`,
          );
      }
      if (opts.out && fs.existsSync(opts.out)) {
        if (fs.statSync(opts.out).isDirectory())
          throw new UsageError(`--out ${opts.out}: this is a folder; pass the path of a .ts file to write`);
        if (!opts.force) throw new UsageError(`--out ${opts.out}: the file exists; pass --force to overwrite it, or choose another path`);
      }
      const code = importFleetBundle(dir, { outFile: opts.out, importFrom: opts.importFrom });
      if (opts.out) {
        fs.mkdirSync(path.dirname(path.resolve(opts.out)), { recursive: true });
        fs.writeFileSync(opts.out, code);
        io.err(`wrote ${opts.out}\n`);
      } else io.out(code);
    });

  program
    .command('compare')
    .description('how the desired state differs between clusters that should be alike, with the layer each difference comes from')
    .argument('<a>', 'a cluster, cluster group or region')
    .argument('[b]', 'another cluster, group or region (default: compare the members of <a>)')
    .option('--json', 'print JSON')
    .action((a: string, b: string | undefined, opts: { json?: boolean }) => {
      const fleet = loadFleet(fleetOption());
      const report = compareClusters(fleet, [...resolveClusters(fleet, a), ...(b ? resolveClusters(fleet, b) : [])]);
      io.out(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderSkew(report));
    });

  const dev = program.command('dev').description('a local fleet: one real Kubernetes cluster per fleet cluster on 127.0.0.1');
  dev
    .command('up')
    .description('start the local fleet (idempotent) and write one kubeconfig per cluster')
    .option('--light', 'API servers only, one shared etcd, no controllers (for 50+ clusters)')
    .option('--nodes <n>', 'kwok nodes per cluster', '2')
    .option('--parallel <n>', 'clusters started at once')
    .action(async (opts: { light?: boolean; nodes: string; parallel?: string }) => {
      result.exitCode = await runDevUp(
        loadFleet(fleetOption()),
        { light: !!opts.light, nodes: Number(opts.nodes), parallel: opts.parallel ? Number(opts.parallel) : undefined },
        io,
      );
    });
  dev
    .command('status')
    .description('list the local clusters, their endpoints and health')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      result.exitCode = await runDevStatus(!!opts.json, io);
    });
  dev
    .command('down')
    .description("stop every local cluster process, remove the local fleet and its stacks' state")
    .option('--quiet', 'print nothing')
    .action(async (opts: { quiet?: boolean }) => {
      result.exitCode = await runDevDown(opts.quiet ? { out: () => undefined, err: io.err } : io);
    });

  return program;
}

/**
 * Runs the CLI.
 *
 * @param argv the full `process.argv`
 * @returns the exit code
 */
export async function main(argv: readonly string[], rawIo: CliIo = processIo): Promise<number> {
  const io = redactingIo(rawIo);
  const result = { exitCode: 0 };
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv as string[]);
    return result.exitCode;
  } catch (e) {
    return reportError(e, io, argv.includes('--debug'));
  }
}

/** Errors whose message is written for the user: printed alone, without a stack. */
const USER_ERRORS = new Set(['UsageError', 'UserCodeError', 'UnsafePathError', 'ToolError', 'DiffSourceError', 'SourceError']);

/**
 * Prints an error the way a person should read it and returns the exit code: validation problems
 * all at once, user errors as one message, and anything else as a fleetwright bug (its stack only
 * with `--debug`).
 */
export function reportError(e: unknown, io: CliIo, debug: boolean): number {
  if (e instanceof CommanderError) return e.exitCode;
  if (e instanceof FleetValidationError) {
    const errors = e.problems.filter((p) => p.severity === 'error').length;
    printWarnings(io, e.problems);
    io.err(`${errors} error${errors === 1 ? '' : 's'}; nothing was written\n`);
    return 1;
  }
  if (e instanceof FleetError || (e instanceof Error && USER_ERRORS.has(e.name))) {
    io.err(`error: ${redactText(e.message)}\n`);
    if (debug && e.stack) io.err(`${redactText(e.stack)}\n`);
    return 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(
    `internal error: ${redactText(message)}\nThis is a bug in fleetwright, not in your fleet. ` +
      `Please report it with the output of the same command run with --debug.\n`,
  );
  if (debug && e instanceof Error && e.stack) io.err(`${redactText(e.stack)}\n`);
  return 1;
}
