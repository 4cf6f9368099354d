/**
 * The controller Deployment's leader pod deleted (`kubectl delete pod`, as a drain or a user
 * would): the other replica must take the Lease over, and a Service created afterwards must still
 * get its EXTERNAL-IP (from the new leader) and be reachable.
 */
import { metallbNamespace } from '../quickstart/quickstart-cluster.ts';
import { waitFor } from '../quickstart/wait-for.ts';
import type { RealCluster } from './start-real-cluster.ts';
import { curlUntilAll, listPods, loadBalancerServiceYaml, waitForExternalIp, webName } from './web-app.ts';

/** The controller's Lease (its --lease-name default). */
const leaseName = 'baremetal-lb-controller';
/** Why 60 s: the Lease lasts 15 s; a standby that needs longer than a few of those is broken. */
const takeoverTimeoutMs = 60_000;

export type TakeoverResult = {
  readonly oldLeader: string;
  readonly newLeader: string;
  /** Pod deletion → the Lease names another holder. */
  readonly takeoverMs: number;
  readonly service: string;
  readonly serviceIp: string;
  /** Service created (after the takeover) → EXTERNAL-IP. */
  readonly assignMs: number;
  readonly reachedPods: readonly string[];
};

async function leaseHolder(cluster: RealCluster): Promise<string> {
  const { stdout } = await cluster.kubectl([
    '-n',
    metallbNamespace,
    'get',
    'lease',
    leaseName,
    '-o',
    'jsonpath={.spec.holderIdentity}',
  ]);
  return stdout.trim();
}

export async function deleteControllerLeader(
  cluster: RealCluster,
  out: (line: string) => void,
  service = 'web-after-takeover',
): Promise<TakeoverResult> {
  const oldLeader = await waitFor(
    'a controller leader',
    takeoverTimeoutMs,
    async () => (await leaseHolder(cluster)) || undefined,
  );
  out(`    $ kubectl -n ${metallbNamespace} delete pod ${oldLeader}   (the Lease holder)`);
  const deletedAt = performance.now();
  await cluster.kubectl(['-n', metallbNamespace, 'delete', 'pod', oldLeader, '--wait=false']);
  const newLeader = await waitFor(
    'another controller to take the Lease',
    takeoverTimeoutMs,
    async () => {
      const holder = await leaseHolder(cluster);
      return holder !== '' && holder !== oldLeader ? holder : undefined;
    },
    100,
  );
  const takeoverMs = performance.now() - deletedAt;
  out(`    Lease ${leaseName}: ${oldLeader} -> ${newLeader} after ${(takeoverMs / 1000).toFixed(1)} s`);
  const createdAt = performance.now();
  await cluster.kubectl(['apply', '-f', '-'], loadBalancerServiceYaml(service, webName));
  const { ip: serviceIp, ms: assignMs } = await waitForExternalIp(cluster, service, createdAt);
  const pods = await listPods(cluster, 'default', `app=${webName}`);
  const reached = await curlUntilAll(
    cluster,
    serviceIp,
    pods.map((p) => p.name),
  );
  out(
    `    Service ${service}: EXTERNAL-IP ${serviceIp} after ${assignMs.toFixed(0)} ms; curl reached ${[...reached.keys()].join(', ')}`,
  );
  return { oldLeader, newLeader, takeoverMs, service, serviceIp, assignMs, reachedPods: [...reached.keys()] };
}
