/**
 * Lease fencing under a partition: two controller replicas elect a leader; the network between
 * the leader and the API server stalls (a proxy that accepts and forwards nothing) in the middle
 * of 1,000 Service creates and deletes, the standby takes over, and later the partition heals.
 *
 * The old leader must stop writing within the renew deadline of its last renewal, whatever its
 * requests are doing: the API server's audit log shows when each write of each replica arrived,
 * and none of the old leader's may arrive after that deadline (plus a margin for the machine).
 * Afterwards no two Services share an IP without the sharing annotation and every Service has one.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Envtest, installCrds, startEnvtest } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { defaultLeaderTimings } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerProcess } from './support/controller-process.ts';
import { findViolations } from './support/invariants.ts';
import { StallingProxy } from './support/stalling-proxy.ts';
import { TestCluster, waitForAllAssigned } from './support/test-cluster.ts';

/** Present only when the shared envtest could start, i.e. its binaries exist. */
const binariesReady = injectEnvtest() !== undefined;
const poolNs = 'it-fencing';
const ns = 'it-fencing-apps';
const lbClass = 'example.com/fencing';
const total = 1_000;
const stallAtIndex = 300;
/** Long enough for the standby to take over (lease 3 s after the last renewal it saw). */
const stallMs = 8_000;
/** Scheduling noise on two shared cores between the deadline timer and the aborted sockets. */
const marginMs = 1_000;

const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: [RequestReceived]
rules:
  - level: Metadata
    verbs: [patch, update]
    resources: [{ group: "", resources: ["services", "services/status"] }]
  - level: None
`;

type AuditEvent = {
  readonly user: { readonly username: string };
  readonly verb: string;
  readonly requestReceivedTimestamp: string;
  readonly responseStatus?: { readonly code?: number };
};

describe.skipIf(!binariesReady)(
  'lease fencing: the leader is partitioned from the API server under churn',
  () => {
    let envtest: Envtest;
    let cluster: TestCluster;
    let proxy: StallingProxy;
    let dir: string;
    let auditLog: string;
    const processes: ControllerProcess[] = [];

    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'bmlb-fencing-'));
      auditLog = path.join(dir, 'audit.log');
      await writeFile(path.join(dir, 'audit-policy.yaml'), auditPolicy);
      envtest = await startEnvtest({
        users: [
          { name: 'controller-a', groups: ['system:masters'] },
          { name: 'controller-b', groups: ['system:masters'] },
        ],
        extraApiServerArgs: [
          `--audit-policy-file=${path.join(dir, 'audit-policy.yaml')}`,
          `--audit-log-path=${auditLog}`,
          '--audit-log-format=json',
          '--audit-log-mode=blocking',
        ],
      });
      await installCrds(envtest.kubeconfigPath, path.resolve(import.meta.dirname, '../../../deploy/crds'));
      cluster = new TestCluster(envtest.kubeconfigPath);
      await cluster.createNamespace('metallb-system');
      await cluster.createNamespace(poolNs);
      await cluster.createNamespace(ns);
      await cluster.applyPool(poolNs, 'v4', {
        addresses: ['198.51.100.0/24', '203.0.113.0/24', '198.18.0.0/23'],
      });
      const url = new URL(envtest.server);
      proxy = await StallingProxy.start({ host: url.hostname, port: Number(url.port) });
    }, 180_000);

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await proxy?.close();
      await cluster?.close();
      await envtest?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('stops the old leader writing within the renew deadline, and keeps every IP unique', {
      timeout: 300_000,
    }, async () => {
      const userKubeconfig = (name: string) => envtest.users.get(name)!.kubeconfigPath;
      // Replica a reaches the API server only through the proxy.
      const viaProxy = path.join(dir, 'kubeconfig-controller-a-via-proxy');
      await writeFile(
        viaProxy,
        (await readFile(userKubeconfig('controller-a'), 'utf8')).replace(
          envtest.server,
          `https://127.0.0.1:${proxy.port}`,
        ),
      );
      const launch = async (name: string, kubeconfig: string) => {
        const p = await ControllerProcess.start(name, [
          `--kubeconfig=${kubeconfig}`,
          `--namespace=${poolNs}`,
          `--lb-class=${lbClass}`,
        ]);
        processes.push(p);
        return p;
      };
      const a = await launch('controller-a', viaProxy);
      await a.waitForLog((l) => l.msg === 'became leader', 60_000);
      const b = await launch('controller-b', userKubeconfig('controller-b'));
      await b.waitForLog((l) => l.msg === 'caches synced', 60_000);

      let stalledAt = 0;
      let healed: Promise<void> = Promise.resolve();
      const live = new Set<string>();
      let created = 0;
      const worker = async () => {
        while (created < total) {
          const index = created++;
          const name = `svc-${index}`;
          await cluster.createService(ns, name, {
            loadBalancerClass: lbClass,
            ports: [{ port: 80, protocol: 'TCP' }],
          });
          live.add(name);
          if (Math.random() < 0.3) {
            const victim = [...live][Math.floor(Math.random() * live.size)]!;
            live.delete(victim);
            await cluster.deleteService(ns, victim);
          }
          if (index === stallAtIndex) {
            proxy.stall();
            stalledAt = Date.now();
            healed = new Promise((resolve) =>
              setTimeout(() => {
                proxy.resume();
                resolve();
              }, stallMs),
            );
          }
          await new Promise((resolve) => setTimeout(resolve, 40));
        }
      };
      await Promise.all(Array.from({ length: 4 }, worker));
      await healed;
      await b.waitForLog((l) => l.msg === 'became leader', 30_000);

      const survivors = await waitForAllAssigned(cluster, ns, live.size, 90_000);
      expect(
        findViolations(survivors, (ip) => /^(198\.51\.100|203\.0\.113|198\.18\.[01])\./.test(ip)),
      ).toEqual([]);

      const writes = (await readFile(auditLog, 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as AuditEvent);
      const receivedMs = (e: AuditEvent) =>
        Date.parse(e.requestReceivedTimestamp.replace(/(\.\d{3})\d*/, '$1'));
      const byA = writes.filter((e) => e.user.username === 'controller-a');
      const byB = writes.filter((e) => e.user.username === 'controller-b');
      const deadline = stalledAt + defaultLeaderTimings.renewDeadlineMs + marginMs;
      const late = byA.filter((e) => receivedMs(e) > deadline);
      const stoppedLeading = a.lines.find((l) => l.msg === 'stopped leading');
      console.info(
        `writes: a ${byA.length} (last ${byA.length > 0 ? receivedMs(byA.at(-1)!) - stalledAt : '-'} ms after the stall), ` +
          `b ${byB.length}; a logged "stopped leading" ${stoppedLeading ? `${new Date(stoppedLeading.time as string | number).getTime() - stalledAt} ms after the stall` : 'never'}`,
      );
      expect(byA.length, 'the first leader wrote before the stall').toBeGreaterThan(0);
      expect(byB.length, 'the standby took over and wrote').toBeGreaterThan(0);
      expect(
        late.map(
          (e) =>
            `${e.verb} received ${receivedMs(e) - stalledAt} ms after the stall (${e.responseStatus?.code})`,
        ),
      ).toEqual([]);
    });
  },
);
