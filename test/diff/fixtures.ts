import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Bundle } from '../../src/model/bundle';
import { Cluster } from '../../src/model/cluster';
import { Fleet } from '../../src/model/fleet';
import { KubeObject } from '../../src/model/objects';
import { valueAt } from '../../src/model/values';
import { Source } from '../../src/sources/sources';
import { synthesizeFleet } from '../../src/synth/synth';
import { desiredFromSynthesis, DesiredState } from '../../src/diff/model';

/** Options of the diff test fleet. */
export interface DiffFleetOptions {
  readonly clusters?: number;
  readonly tag?: string;
  readonly selectorApp?: string;
  readonly secretValue?: string;
  readonly extraClusterFor?: string;
  readonly edgeOnlyOnFirst?: number;
}

/** A fleet of N clusters with one app bundle whose image tag, selector and Secret are knobs. */
export function diffFleet(o: DiffFleetOptions = {}): DesiredState {
  const fleet = new Fleet({ name: 'difftest' });
  const scope = new Construct(fleet, 'Clusters');
  const n = o.clusters ?? 30;
  for (let i = 0; i < n; i++) {
    new Cluster(scope, `edge-${String(i).padStart(2, '0')}`, { region: i % 2 ? 'us-east' : 'us-west', labels: { idx: String(i) } });
  }
  new Bundle(fleet, 'app', {
    values: { tag: o.tag ?? '1.0' },
    sources: [
      Source.chart((chart, ctx) => {
        const app = o.selectorApp ?? 'app';
        const deployment: KubeObject = {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'app' },
          spec: {
            selector: { matchLabels: { app } },
            template: {
              metadata: { labels: { app } },
              spec: { containers: [{ name: 'app', image: `example/app:${valueAt(ctx.values, 'tag', '')}` }] },
            },
          },
        };
        new ApiObject(chart, 'deployment', deployment);
      }),
      Source.objects([
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, stringData: { password: o.secretValue ?? 'hunter2' } },
      ]),
    ],
    targets: [{ clusterSelector: {} }],
  });
  if (o.edgeOnlyOnFirst !== undefined) {
    new Bundle(fleet, 'edge-only', {
      sources: [Source.objects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'edge' }, data: { a: 'b' } }])],
      targets: [
        {
          clusterSelector: {
            matchExpressions: [{ key: 'idx', operator: 'In', values: Array.from({ length: o.edgeOnlyOnFirst }, (_, i) => String(i)) }],
          },
        },
      ],
    });
  }
  return desiredFromSynthesis(synthesizeFleet(fleet));
}
