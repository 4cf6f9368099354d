/**
 * Chaos: SIGKILL the controller again and again while 1,000 Services are created and deleted.
 * After the last restart: no two incompatible Services share an IP, no surviving Service ever
 * changed its IP, and every pending Service gets one.
 */
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerProcess } from './support/controller-process.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { findViolations } from './support/invariants.ts';
import { IpHistory } from './support/ip-history.ts';
import { TestCluster, waitForAllAssigned } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const poolNs = 'it-chaos';
const ns = 'it-chaos-apps';
const lbClass = 'example.com/chaos';
const total = 1_000;
const kills = 3;

/** Deterministic pseudo-random numbers (xorshift32) so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

describe.skipIf(!envtest)('chaos: SIGKILL the controller under 1,000 Service creates and deletes', () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  let history: IpHistory;
  const processes: ControllerProcess[] = [];

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    kubeconfig = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, poolNs);
    await cluster.createNamespace(ns);
    await cluster.applyPool(poolNs, 'v4', { addresses: ['198.51.100.0/24', '203.0.113.0/24'] });
    await cluster.applyPool(poolNs, 'v6', { addresses: ['2001:db8:c4a0::/112'] });
    history = new IpHistory(cluster, ns);
    await history.start();
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await history?.stop();
    await cluster?.close();
  });

  it('keeps every invariant', { timeout: 240_000 }, async () => {
    const launch = async () => {
      const p = await ControllerProcess.start(`chaos-${processes.length}`, [
        `--kubeconfig=${kubeconfig}`,
        `--namespace=${poolNs}`,
        `--lb-class=${lbClass}`,
        '--no-leader-elect',
        '--log-level=warn',
      ]);
      processes.push(p);
      return p;
    };
    let controller = await launch();
    const rand = random(Number(process.env.CHAOS_SEED ?? 7));
    const live = new Set<string>();
    const killAt = new Set(
      Array.from({ length: kills }, (_, i) => Math.floor(((i + 1) * total) / (kills + 1))),
    );
    let created = 0;
    const worker = async () => {
      while (created < total) {
        const index = created++;
        const name = `svc-${index}`;
        const v6 = index % 2 === 1;
        // Every 10th pair shares one IP (same key, different ports).
        const shared =
          index % 10 < 2 ? { 'metallb.io/allow-shared-ip': `pair-${Math.floor(index / 10)}` } : undefined;
        await cluster.createService(
          ns,
          name,
          {
            loadBalancerClass: lbClass,
            ipFamilyPolicy: 'SingleStack',
            ipFamilies: [v6 || shared ? 'IPv6' : 'IPv4'],
            ports: [{ port: 8000 + (index % 10), protocol: 'TCP' }],
          },
          shared ? { annotations: shared } : {},
        );
        live.add(name);
        if (rand() < 0.3 && live.size > 0) {
          const victims = [...live];
          const victim = victims[Math.floor(rand() * victims.length)]!;
          live.delete(victim);
          await cluster.deleteService(ns, victim);
        }
        if (killAt.has(index)) {
          controller.kill('SIGKILL');
          await controller.exited;
          controller = await launch();
        }
        // ~100 creates/s: the kills land while the controller is busy writing.
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    expect(processes).toHaveLength(kills + 1);

    const inPools = (ip: string) =>
      /^(198\.51\.100|203\.0\.113)\./.test(ip) || ip.startsWith('2001:db8:c4a0::');
    const survivors = await waitForAllAssigned(cluster, ns, live.size, 60_000);
    expect(findViolations(survivors, inPools)).toEqual([]);
    expect(history.changes).toEqual([]);
    const sharedIps = survivors.filter((s) => s.metadata.annotations?.['metallb.io/allow-shared-ip']);
    expect(sharedIps.length).toBeGreaterThan(50);
  });
});
