/**
 * Bad input that only the real helm and kustomize can find, through the real CLI process (the
 * companion of test/flows/bad-input.test.ts): charts and kustomizations that fail to render. Each
 * case must exit 1 with a message naming the file and the fix, print no stack trace, write
 * nothing, and never show the planted secret.
 */
import * as path from 'node:path';
import { fleetProject, readTree, runCli } from '../cli-process';

jest.setTimeout(120_000);

const MARK = 'MARK-tools-secret-5e2b';
const CHART_YAML = 'apiVersion: v2\nname: web\nversion: 1.0.0\n';
/** A Secret fed by a value, so every chart of the table holds a secret to leak. */
const SECRET_TEMPLATE =
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{ .Release.Name }}-db\nstringData:\n  password: {{ .Values.password | quote }}\n';

interface ToolCase {
  readonly name: string;
  /** Files of the Fleet bundle folder `legacy/`. */
  readonly files: Record<string, string>;
  /** What stderr must name. */
  readonly names: RegExp;
  /** The fix stderr must give. */
  readonly fix: RegExp;
}

const chart = (templates: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> => ({
  'fleet.yaml': 'helm:\n  chart: ./chart\n',
  'chart/Chart.yaml': CHART_YAML,
  'chart/values.yaml': `password: ${MARK}\n`,
  'chart/templates/secret.yaml': SECRET_TEMPLATE,
  ...Object.fromEntries(Object.entries(templates).map(([f, t]) => [`chart/templates/${f}`, t])),
  ...extra,
});

const CASES: ToolCase[] = [
  {
    name: 'a chart template that does not parse',
    files: chart({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name \n' }),
    names: /helm template failed: .*templates\/cm\.yaml/,
    fix: /fix the chart or its values/,
  },
  {
    name: 'a chart that requires a value nobody sets',
    files: chart({
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required "image.tag is required" .Values.imageTag }}\n',
    }),
    names: /image\.tag is required/,
    fix: /fix the chart or its values/,
  },
  {
    name: 'values that break the chart values.schema.json (the value stays hidden)',
    files: chart(
      {},
      {
        'chart/values.schema.json': JSON.stringify({ type: 'object', properties: { password: { type: 'string', maxLength: 8 } } }),
      },
    ),
    names: /helm template failed: .*password/,
    fix: /fix the chart or its values/,
  },
  {
    name: 'a chart whose dependency is not vendored',
    files: chart(
      {},
      {
        'chart/Chart.yaml': `${CHART_YAML}dependencies:\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n`,
      },
    ),
    names: /redis/,
    fix: /vendor them \(`helm dependency build`\)/,
  },
  {
    name: 'a chart template that renders invalid YAML',
    files: chart({ 'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b: c\n' }),
    names: /templates\/cm\.yaml|invalid YAML/,
    fix: /fix the chart or its values|check the chart's templates/,
  },
  {
    name: 'a kustomization whose resource is missing',
    files: { 'kustomization.yaml': 'resources:\n  - missing.yaml\n', 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' },
    names: /kustomize build legacy failed: .*missing\.yaml/,
    fix: /fix the kustomization/,
  },
  {
    name: 'a kustomization that does not parse',
    files: { 'kustomization.yaml': 'resources:\n  - [a.yaml\n', 'a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n' },
    names: /kustomize build legacy failed/,
    fix: /fix the kustomization/,
  },
];

test.each(CASES.map((c) => [c.name, c] as const))('render: %s', (_, c) => {
  const project = fleetProject(Object.fromEntries(Object.entries(c.files).map(([f, t]) => [path.join('legacy', f), t])));
  try {
    const before = readTree(project.dir);
    const r = runCli(['render', 'legacy'], { cwd: project.dir });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^error: /);
    expect(r.err).toMatch(c.names);
    expect(r.err).toMatch(c.fix);
    expect(r.err).not.toMatch(/internal error|^\s+at /m);
    expect(r.out + r.err).not.toContain(MARK);
    expect(r.out + r.err).not.toContain(Buffer.from(MARK).toString('base64'));
    expect(readTree(project.dir)).toEqual(before);
  } finally {
    project.cleanup();
  }
});
