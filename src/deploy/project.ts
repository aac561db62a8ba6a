import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../model/yaml';

/** The project's Pulumi.yaml: its name and program, when it has one. */
export function pulumiProject(root: string): { readonly name?: string; readonly main?: string } | undefined {
  const file = path.join(root, 'Pulumi.yaml');
  if (!fs.existsSync(file)) return undefined;
  const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { name?: unknown; main?: unknown } | undefined;
  return {
    name: typeof doc?.name === 'string' ? doc.name : undefined,
    main: typeof doc?.main === 'string' ? doc.main : undefined,
  };
}
