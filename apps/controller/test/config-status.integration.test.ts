/**
 * The `Valid` condition and Warning events of L2Advertisements, BGPPeers, BGPAdvertisements and
 * BFDProfiles, written by the controller (as the ServiceAccount bound to deploy/rbac/controller.yaml)
 * for the cross-object rules a CRD cannot check.
 */
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import type { Condition } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningController, runController } from '../src/app.ts';
import type { StatusKind } from '../src/config-status.ts';
import { parseFlags } from '../src/flags.ts';
import { createLogger } from '../src/log.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const configNs = 'it-config-status';

describe.skipIf(!envtest)('configuration problems in status (real API server)', () => {
  let cluster: TestCluster;
  let running: RunningController;

  const valid = async (kind: StatusKind, name: string): Promise<Condition | undefined> =>
    (await cluster.getConfigObject(kind, configNs, name)).status?.conditions?.find((c) => c.type === 'Valid');
  const conditionOf = (kind: StatusKind, name: string, wanted: (c: Condition) => boolean) =>
    waitFor(`${kind}/${name} condition`, async () => {
      const condition = await valid(kind, name);
      return condition && wanted(condition) ? condition : undefined;
    });

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    const kubeconfig = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, configNs);
    await cluster.applyPool(configNs, 'small', { addresses: ['198.51.100.16/28'] });
    running = await runController(
      parseFlags([
        `--kubeconfig=${kubeconfig}`,
        `--namespace=${configNs}`,
        '--lb-class=example.com/config-status',
        '--metrics-host=127.0.0.1',
        '--metrics-port=0',
        '--identity=config-status',
      ]),
      { log: createLogger('warn') },
    );
    await waitFor('leadership', () => running.controller.restored);
  });

  afterAll(async () => {
    await running?.stop();
    await cluster?.close();
  });

  it('reports an aggregation length shorter than the pool on that BGPAdvertisement only', async () => {
    await cluster.createConfigObject('BGPAdvertisement', configNs, 'aggregated', {
      ipAddressPools: ['small'],
      aggregationLength: 24,
    });
    await cluster.createConfigObject('BGPAdvertisement', configNs, 'exact', { ipAddressPools: ['small'] });
    // A warning, as @baremetal-lb/config rates it: the advertisement still announces its other pools.
    const condition = await conditionOf('BGPAdvertisement', 'aggregated', (c) => c.reason !== 'Valid');
    expect(condition).toMatchObject({ status: 'True', reason: 'ValidWithWarnings', observedGeneration: 1 });
    expect(condition.message).toContain(
      'pool "small" entry "198.51.100.16/28" is not made of whole /24 blocks, so a /24 aggregate would cover addresses outside the pool',
    );
    expect(await conditionOf('BGPAdvertisement', 'exact', () => true)).toMatchObject({
      status: 'True',
      reason: 'Valid',
    });
    const events = await waitFor('the AggregationLengthTooShort event', async () => {
      const found = (await cluster.events(configNs, 'aggregated')).filter(
        (e) => e.reason === 'AggregationLengthTooShort',
      );
      return found.length > 0 ? found : undefined;
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.type).toBe('Warning');
    expect(await cluster.events(configNs, 'exact')).toEqual([]);
  });

  it('reports a BGPPeer naming a missing BFDProfile, and clears it once the profile exists', async () => {
    await cluster.createConfigObject('BGPPeer', configNs, 'router', {
      myASN: 64500,
      peerASN: 64501,
      peerAddress: '198.51.100.254',
      bfdProfile: 'fast',
    });
    const missing = await conditionOf('BGPPeer', 'router', (c) => c.reason === 'ValidWithWarnings');
    expect(missing.message).toContain('BFD profile "fast" does not exist');
    await cluster.createConfigObject('BFDProfile', configNs, 'fast', {
      receiveInterval: 50,
      transmitInterval: 50,
    });
    const cleared = await conditionOf('BGPPeer', 'router', (c) => c.reason === 'Valid');
    expect(cleared).toMatchObject({ status: 'True', message: 'configuration accepted' });
    expect(await conditionOf('BFDProfile', 'fast', () => true)).toMatchObject({
      status: 'True',
      reason: 'Valid',
    });
    expect((await cluster.events(configNs, 'router')).map((e) => e.reason)).toEqual(['UnknownBFDProfile']);
  });

  it('reports an L2Advertisement naming an unknown pool', async () => {
    await cluster.createConfigObject('L2Advertisement', configNs, 'l2', {
      ipAddressPools: ['small', 'nope'],
    });
    const condition = await conditionOf('L2Advertisement', 'l2', (c) => c.reason !== 'Valid');
    expect(condition).toMatchObject({ status: 'True', reason: 'ValidWithWarnings' });
    expect(condition.message).toContain('pool "nope" does not exist');
    await waitFor('the UnknownPool event', async () =>
      (await cluster.events(configNs, 'l2')).some((e) => e.reason === 'UnknownPool' && e.type === 'Warning'),
    );
  });
});
