/**
 * Two controller processes with Lease-based leader election: only the leader writes; after a
 * SIGKILL a standby takes over once the dead leader's Lease has expired, never before; after a
 * graceful SIGTERM it takes over before the Lease would have expired (it was released). Both are
 * checked on the Lease's own timestamps, not on this machine's timing.
 */
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import type { Lease } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerProcess } from './support/controller-process.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const poolNs = 'it-ha';
const ns = 'it-ha-apps';
const lbClass = 'example.com/ha';
const cls = { loadBalancerClass: lbClass };
const leasePath = `/apis/coordination.k8s.io/v1/namespaces/${poolNs}/leases/baremetal-lb-controller`;

describe.skipIf(!envtest)('leader election between two controller processes', () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  const processes: ControllerProcess[] = [];

  const launch = async (name: string) => {
    const p = await ControllerProcess.start(name, [
      `--kubeconfig=${kubeconfig}`,
      `--namespace=${poolNs}`,
      `--lb-class=${lbClass}`,
      '--leader-elect',
    ]);
    processes.push(p);
    return p;
  };
  const lease = async () =>
    (await cluster.client.request<Lease>('GET', leasePath).catch(() => undefined))?.spec;
  const holder = async () => (await lease())?.holderIdentity ?? '';
  /** When the Lease as it stands now expires, unless renewed (ms since the epoch). */
  const expiryOfCurrentLease = async () => {
    const spec = await lease();
    return Date.parse(spec?.renewTime ?? '') + (spec?.leaseDurationSeconds ?? 0) * 1000;
  };
  const acquiredAt = async () => Date.parse((await lease())?.acquireTime ?? '');
  const ipOf = (name: string, timeoutMs = 15_000) =>
    waitFor(`an IP for ${name}`, async () => (await cluster.ips(ns, name))[0], timeoutMs);

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    kubeconfig = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, poolNs);
    await cluster.createNamespace(ns);
    await cluster.applyPool(poolNs, 'ha', { addresses: ['203.0.113.0/26'] });
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await cluster?.close();
  });

  it('one leader writes; the standby is ready but writes nothing', async () => {
    const a = await launch('ha-a');
    await waitFor('a to lead', async () => (await holder()) === 'ha-a');
    const b = await launch('ha-b');
    await waitFor('b ready as standby', () => b.ready());
    await cluster.createService(ns, 'first', cls);
    await ipOf('first');
    expect(await a.metric('baremetal_lb_controller_leader')).toBe(1);
    expect(await b.metric('baremetal_lb_controller_leader')).toBe(0);
    expect(await b.metric('metallb_k8s_client_updates_total')).toBe(0);
  });

  it("a standby takes over after the SIGKILLed leader's Lease expires, and keeps every IP", async () => {
    const [a, b] = processes as [ControllerProcess, ControllerProcess];
    const before = await cluster.ips(ns, 'first');
    // a may still renew before the kill lands, which only moves the expiry later.
    const earliestExpiry = await expiryOfCurrentLease();
    a.kill('SIGKILL');
    await cluster.createService(ns, 'during-failover', cls);
    await waitFor('b to take over', async () => (await holder()) === 'ha-b', 10_000, 20);
    // Never two leaders: b took a Lease that had run out.
    expect(await acquiredAt()).toBeGreaterThanOrEqual(earliestExpiry);
    await ipOf('during-failover');
    expect(await cluster.ips(ns, 'first')).toEqual(before);
    expect(await b.metric('baremetal_lb_controller_leader')).toBe(1);
  });

  it('a graceful SIGTERM releases the Lease and the standby takes over at once', async () => {
    const b = processes[1]!;
    const c = await launch('ha-c');
    await waitFor('c ready as standby', () => c.ready());
    // b's Lease stays valid at least this long unless b releases it.
    const earliestExpiry = await expiryOfCurrentLease();
    b.kill('SIGTERM');
    const exit = await b.exited;
    expect(exit.code).toBe(0);
    await waitFor('c to take over', async () => (await holder()) === 'ha-c', 10_000, 20);
    // Only a released Lease can be taken before it expires.
    expect(await acquiredAt()).toBeLessThan(earliestExpiry);
    await cluster.createService(ns, 'after-handover', cls);
    await ipOf('after-handover');
    expect(b.lines.some((l) => l.msg === 'stopped')).toBe(true);
  });
});
