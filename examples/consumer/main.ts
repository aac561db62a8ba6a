/** Entry point of the example consumer program (Pulumi.yaml `main`). */
import * as pulumi from '@pulumi/pulumi';
import { consumerProgram } from './index';

export = async (): Promise<Record<string, unknown>> => {
  const outputs = consumerProgram(new pulumi.Config().get('fleetStack') ?? 'organization/edge-fleet/us-west');
  return { webEndpoints: outputs.webEndpoints, notReady: outputs.notReady };
};
