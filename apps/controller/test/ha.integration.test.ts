/**
 * Two controller processes with Lease-based leader election: only the leader writes, a standby
 * takes over within 5 s of a SIGKILL and at once after a graceful SIGTERM (the Lease is released).
 */
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lease } from '../src/kube-types.ts';
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
  const holder = async () =>
    (await cluster.client.request<Lease>('GET', leasePath).catch(() => undefined))?.spec?.holderIdentity ??
    '';
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

  it('a standby takes over within 5 s of the leader being SIGKILLed, and keeps every IP', async () => {
    const [a, b] = processes as [ControllerProcess, ControllerProcess];
    const before = await cluster.ips(ns, 'first');
    a.kill('SIGKILL');
    const killedAt = Date.now();
    await cluster.createService(ns, 'during-failover', cls);
    await waitFor('b to take over', async () => (await holder()) === 'ha-b', 10_000, 20);
    const takeoverMs = Date.now() - killedAt;
    await ipOf('during-failover');
    expect(takeoverMs).toBeLessThan(5_000);
    expect(await cluster.ips(ns, 'first')).toEqual(before);
    expect(await b.metric('baremetal_lb_controller_leader')).toBe(1);
  });

  it('a graceful SIGTERM releases the Lease and the standby takes over at once', async () => {
    const b = processes[1]!;
    const c = await launch('ha-c');
    await waitFor('c ready as standby', () => c.ready());
    b.kill('SIGTERM');
    const stoppedAt = Date.now();
    const exit = await b.exited;
    expect(exit.code).toBe(0);
    await waitFor('c to take over', async () => (await holder()) === 'ha-c', 10_000, 20);
    const handoverMs = Date.now() - stoppedAt;
    expect(handoverMs).toBeLessThan(2_000);
    await cluster.createService(ns, 'after-handover', cls);
    await ipOf('after-handover');
    expect(b.lines.some((l) => l.msg === 'stopped')).toBe(true);
  });
});
