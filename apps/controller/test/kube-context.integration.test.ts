/**
 * --context is honoured end to end: the controller gets a kubeconfig whose current-context points
 * at a server that refuses every connection, and works only through the context the flag names.
 */
import path from 'node:path';
import { envtestContext, writeDecoyKubeconfig } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { loadKubeConfig } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, runController } from '../src/app.ts';
import { parseFlags } from '../src/flags.ts';
import { createLogger } from '../src/log.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const poolNs = 'it-context';
const ns = 'it-context-apps';
const lbClass = 'example.com/context';

describe.skipIf(!envtest)('controller --context', () => {
  let cluster: TestCluster;
  let running: RunningController | undefined;

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    await cluster.createNamespace(ns);
    await cluster.createNamespace(poolNs);
    await cluster.applyPool(poolNs, 'main', { addresses: ['198.51.100.64/28'] });
  });

  afterAll(async () => {
    await running?.stop();
    await cluster?.close();
  });

  it('talks to the API server of the named context, not the current one', async () => {
    const identity = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, poolNs);
    const decoy = path.join(path.dirname(identity), 'kubeconfig-controller-decoy');
    await writeDecoyKubeconfig(identity, decoy);
    expect(loadKubeConfig(decoy, {}).server).toBe('https://127.0.0.1:1');
    running = await runController(
      parseFlags([
        `--kubeconfig=${decoy}`,
        `--context=${envtestContext}`,
        '--kube-api-qps=20',
        '--kube-api-burst=30',
        `--namespace=${poolNs}`,
        `--lb-class=${lbClass}`,
        '--metrics-host=127.0.0.1',
        '--metrics-port=0',
        '--identity=context',
      ]),
      { log: createLogger('warn') },
    );
    await waitFor('leadership', () => running!.controller.restored);
    await cluster.createService(ns, 'web', { loadBalancerClass: lbClass });
    const ips = await waitFor('an IP', async () => {
      const assigned = await cluster.ips(ns, 'web');
      return assigned.length > 0 ? assigned : undefined;
    });
    expect(ips).toEqual([expect.stringMatching(/^198\.51\.100\.(6[4-9]|7\d)$/)]);
  });
});
