/**
 * Secret values from Helm values and Kustomize output never reach files or output: planted markers
 * in a chart's values and a Kustomize secretGenerator, rendered with the real helm and kustomize,
 * through the real CLI (`synth`, `render`).
 */
import * as path from 'node:path';
import { fleetProject, IMPORT_FLEETWRIGHT, readTree, runCli } from '../cli-process';

jest.setTimeout(180_000);

const HELM_MARK = 'MARK-helm-value-8';
const KUSTOMIZE_MARK = 'MARK-kustomize-literal-9';
const leaks = (text: string) =>
  [HELM_MARK, KUSTOMIZE_MARK].filter((m) => text.includes(m) || text.includes(Buffer.from(m).toString('base64')));

let project: { dir: string; cleanup: () => void };
beforeAll(() => {
  project = fleetProject({
    'charts/db/Chart.yaml': 'apiVersion: v2\nname: db\nversion: 0.1.0\n',
    'charts/db/values.yaml': 'password: changeme\n',
    'charts/db/templates/secret.yaml':
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {{ .Values.password | b64enc }}\n---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: db-url\n  stringData:\n    url: postgres://app:{{ .Values.password }}@db\n',
    'kust/kustomization.yaml': `secretGenerator:\n- name: creds\n  literals:\n  - token=${KUSTOMIZE_MARK}\ngeneratorOptions:\n  disableNameSuffixHash: true\n`,
    'legacy/fleet.yaml': `defaultNamespace: legacy\nhelm:\n  chart: ../charts/db\n  values:\n    password: ${HELM_MARK}\n`,
    'fleet.ts': `import { Bundle, Cluster, Fleet, Source } ${IMPORT_FLEETWRIGHT};
const fleet = new Fleet({ name: 'helm-secrets' });
new Cluster(fleet, 'one', { region: 'east', labels: {} });
new Bundle(fleet, 'db', {
  defaultNamespace: 'db',
  values: { password: '${HELM_MARK}' },
  sources: [Source.helm({ chart: 'charts/db' }), Source.kustomize({ dir: 'kust' })],
  targets: [{ clusterSelector: {} }],
});
export default fleet;
`,
  });
});
afterAll(() => project.cleanup());

test('synth of Helm and Kustomize Secrets writes keys, never values', () => {
  const r = runCli(['--fleet', 'fleet.ts', 'synth', '--out', 'dist'], { cwd: project.dir });
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
  const files = readTree(path.join(project.dir, 'dist'));
  expect(files['east/one/db.yaml']).toMatch(/name: db-url/);
  expect(files['east/one/db.yaml']).toMatch(/token: <redacted>/);
  expect(leaks(Object.values(files).join('\n') + r.out)).toEqual([]);
  const explain = runCli(['--fleet', 'fleet.ts', 'explain', 'one', 'db'], { cwd: project.dir });
  expect(explain.out).toMatch(/password.*<redacted>/);
  expect(leaks(explain.out + explain.err)).toEqual([]);
});

test('render of a Fleet folder whose Helm values feed a Secret prints no value', () => {
  const r = runCli(['render', 'legacy'], { cwd: project.dir });
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/password: <redacted>/);
  expect(leaks(r.out + r.err)).toEqual([]);
});
