import { LIGHT_API_GROUPS, LIGHT_DISABLED_ADMISSION_PLUGINS, leanApiserverSettings } from '../../src/dev/local-fleet';

/** The value of `--name=` among the arguments. */
const flag = (args: readonly string[], name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

describe('leanApiserverSettings', () => {
  const { args, env } = leanApiserverSettings();

  test('serves only the listed API groups, including those the API server itself needs', () => {
    const served = (flag(args, 'runtime-config') ?? '').split(',');
    expect(served[0]).toBe('api/all=false');
    expect(served.slice(1)).toEqual(LIGHT_API_GROUPS.map((g) => `${g}=true`));
    // Without these the API server does not start (aggregator, ServiceCIDR repair, admission informers).
    for (const g of ['apiregistration.k8s.io/v1', 'networking.k8s.io/v1', 'admissionregistration.k8s.io/v1']) {
      expect(LIGHT_API_GROUPS).toContain(g);
    }
    // What bundles, kubectl and the Pulumi provider use.
    for (const g of [
      'api/v1',
      'apps/v1',
      'batch/v1',
      'policy/v1',
      'rbac.authorization.k8s.io/v1',
      'apiextensions.k8s.io/v1',
      'autoscaling/v2',
    ]) {
      expect(LIGHT_API_GROUPS).toContain(g);
    }
    expect(new Set(LIGHT_API_GROUPS).size).toBe(LIGHT_API_GROUPS.length);
  });

  test('keeps namespace lifecycle, webhooks and admission policies', () => {
    const disabled = (flag(args, 'disable-admission-plugins') ?? '').split(',');
    expect(disabled).toEqual([...LIGHT_DISABLED_ADMISSION_PLUGINS]);
    for (const kept of [
      'NamespaceLifecycle',
      'MutatingAdmissionWebhook',
      'ValidatingAdmissionWebhook',
      'MutatingAdmissionPolicy',
      'ValidatingAdmissionPolicy',
    ]) {
      expect(disabled).not.toContain(kept);
    }
    // RuntimeClass admission needs node.k8s.io served; it is off, so serving it is optional.
    expect(disabled).toContain('RuntimeClass');
  });

  test('collects garbage early and turns off the identity lease and etcd metric polls', () => {
    expect(env).toEqual({ GOGC: '25' });
    expect(flag(args, 'feature-gates')).toBe('APIServerIdentity=false,UnknownVersionInteroperabilityProxy=false');
    expect(flag(args, 'etcd-count-metric-poll-period')).toBe('0');
    expect(flag(args, 'etcd-db-metric-poll-interval')).toBe('0');
    expect(args.every((a) => /^--[a-z-]+=\S+$/.test(a))).toBe(true);
  });
});
