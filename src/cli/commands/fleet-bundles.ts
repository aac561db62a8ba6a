import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../project/load';
import { CommandContext } from '../context';
import { importFleetBundle, parseLabels, renderFleetBundle } from '../fleet-bundles';

/** Registers `render` and `import`. */
export function registerFleetBundlesCommands({ program, io }: CommandContext): void {
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
}
