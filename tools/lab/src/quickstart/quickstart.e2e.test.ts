/**
 * `npm run lab` as a test: the whole quick start (real API server, controller, three speakers,
 * pods, kube-proxy rules, arping and curl from the client), then the announcing node stopped.
 * Asserts behaviour, and one generous regression bound on the failover time (README, "Measured").
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSubnetFree } from '../check-subnet-free.ts';
import { checkPrerequisites } from '../prerequisites.ts';
import { listLabNamespaces } from '../sweep-stale-labs.ts';
import { nodeNames } from './quickstart-cluster.ts';
import { quickstartNeeds } from './quickstart-prerequisites.ts';
import { runQuickstart } from './run-quickstart.ts';
import { waitFor } from './wait-for.ts';

/**
 * Regression bound on the failover (announcing node down → another node's MAC answers), ms. Fixed,
 * from tools/lab/README.md "Measured": 300–446 ms in 13 of 14 loaded runs and 754 ms once; about
 * 5× the usual tail and 3× the worst, so a failover of 3 s fails and noise does not.
 */
const failoverBoundMs = 2_500;

const ready = checkPrerequisites('quick start e2e (npm run lab)', quickstartNeeds());

describe.skipIf(!ready)('npm run lab: the MetalLB layer-2 quick start', () => {
  let run: Awaited<ReturnType<typeof runQuickstart>> | undefined;
  const printed: string[] = [];

  beforeAll(async () => {
    // Another lab bridging the same subnet (a concurrent speaker e2e run on a shared machine)
    // would make the routes ambiguous; wait for it to finish rather than fail.
    await waitFor(
      '198.51.100.0/24 to be free on the host',
      5 * 60_000,
      () => checkSubnetFree('198.51.100.0/24').then(() => true),
      1000,
    );
    try {
      // The lab's default subnet. Not 203.0.113.0/24: create-lab.test.ts bridges it on the host,
      // and vitest runs this package's files in parallel. Not 192.0.2.0/24: some machines (the
      // development one) have their own uplink there. The speaker e2e suite also uses
      // 198.51.100.0/24, but in another package, and npm test runs packages one at a time.
      run = await runQuickstart({
        ipv4Subnet: '198.51.100.0/24',
        ipv6Prefix: '2001:db8:52::/64',
        out: (l) => printed.push(l),
      });
    } finally {
      console.info(printed.join('\n'));
    }
  }, 16 * 60_000);

  afterAll(async () => {
    await run?.cluster.destroy();
  });

  it('assigns an EXTERNAL-IP from the pool and shows it in the Service table', () => {
    const { result } = run!;
    expect(result.loadBalancerIp).toMatch(/^198\.51\.100\.(2[0-4]\d|250)$/);
    const [header, row] = result.serviceTable.split('\n');
    expect(header).toMatch(/^NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE$/);
    expect(row).toMatch(
      new RegExp(
        `^web\\s+LoadBalancer\\s+\\S+\\s+${result.loadBalancerIp.replaceAll('.', '\\.')}\\s+80:\\d+/TCP\\s`,
      ),
    );
  });

  it('kubectl describe svc shows the IPAllocated and nodeAssigned events', () => {
    const { result } = run!;
    expect(result.description).toMatch(
      new RegExp(`IPAllocated\\s.*${result.loadBalancerIp.replaceAll('.', '\\.')}`),
    );
    expect(result.description).toMatch(new RegExp(`nodeAssigned\\s.*${result.announcer.node}`));
  });

  it('reaches both pods through the LoadBalancer IP from the client', () => {
    const { result } = run!;
    expect([...result.curlBefore.keys()].sort()).toEqual([...result.podNames].sort());
  });

  it('finds the announcing node by its MAC, and ServiceL2Status names the same node', () => {
    const { result } = run!;
    expect(nodeNames).toContain(result.announcer.node);
    expect(result.statusNode).toBe(result.announcer.node);
  });

  it('moves the MAC to another node when the announcing node stops', () => {
    const { result } = run!;
    expect(result.failover).toBeDefined();
    expect(result.failover?.to).not.toBe(result.announcer.node);
    expect(nodeNames).toContain(result.failover?.to);
    expect(result.statusNodesAfter).toEqual([result.failover?.to]);
    console.info(
      `failover: ${result.announcer.node} -> ${result.failover?.to} in ${result.failover?.ms.toFixed(0)} ms`,
    );
    expect(result.failover!.ms).toBeLessThanOrEqual(failoverBoundMs);
  });

  it('still serves through the LoadBalancer IP afterwards, from the pods left', () => {
    const { result, app } = run!;
    const alive = app.pods.filter((p) => p.node.name !== result.announcer.node).map((p) => p.name);
    expect([...result.curlAfter.keys()].sort()).toEqual(alive.sort());
  });

  it('removes every namespace, link and file on destroy', async () => {
    const { cluster } = run!;
    await cluster.destroy();
    const ours = listLabNamespaces().filter((ns) => ns.startsWith(`${cluster.lab.id}-`));
    expect(ours).toEqual([]);
    expect(existsSync(cluster.runDir)).toBe(false);
    expect(existsSync(cluster.api.kubeconfigPath)).toBe(false);
  });
});
