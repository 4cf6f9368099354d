/**
 * Rolling restarts of two controller replicas, as a Deployment rollout does them, while Services
 * are created and deleted: each round stops the leader gracefully (SIGTERM: it releases the
 * Lease, the standby takes over at its next poll) and starts a replacement. The standby restores
 * from a list read after winning the Lease, never from a cache that may not show the old leader's
 * last writes yet, so no Service that exists ever changes its IP.
 *
 * Every replica reaches the API server through a proxy that delays what the server sends by
 * 100 ms, so watches lag as they do behind a busy API server. Without the lag the standby's cache
 * happened to be current at every hand-over here, and restoring from it passed 100 rounds too.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerProcess } from './support/controller-process.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { findViolations } from './support/invariants.ts';
import { IpHistory } from './support/ip-history.ts';
import { StallingProxy } from './support/stalling-proxy.ts';
import { TestCluster, waitFor, waitForAllAssigned } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const poolNs = 'it-rolling';
const ns = 'it-rolling-apps';
const lbClass = 'example.com/rolling';
/** ROLLING_RESTARTS=N for a longer or shorter run by hand. */
const restarts = Number(process.env.ROLLING_RESTARTS ?? 100);
/** How far the replicas' view lags behind the API server. */
const responseDelayMs = 100;

describe.skipIf(!envtest)(
  `${restarts} rolling restarts of two controller replicas under Service churn`,
  () => {
    let cluster: TestCluster;
    let kubeconfig: string;
    let history: IpHistory;
    let proxy: StallingProxy;
    const processes: ControllerProcess[] = [];

    beforeAll(async () => {
      cluster = new TestCluster(envtest!.kubeconfigPath);
      const direct = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, poolNs);
      const text = await readFile(direct, 'utf8');
      const server = new URL(/server"?:\s*"?(https:\/\/[^"\s]+)/.exec(text)![1]!);
      proxy = await StallingProxy.start(
        { host: server.hostname, port: Number(server.port) },
        { responseDelayMs },
      );
      kubeconfig = `${direct}-lagging`;
      await writeFile(kubeconfig, text.replace(server.origin, `https://127.0.0.1:${proxy.port}`));
      await cluster.createNamespace(ns);
      await cluster.applyPool(poolNs, 'rolling', { addresses: ['198.18.4.0/22'] });
      history = new IpHistory(cluster, ns);
      await history.start();
    });

    afterAll(async () => {
      await Promise.all(processes.map((p) => p.stop()));
      await history?.stop();
      await proxy?.close();
      await cluster?.close();
    });

    it('never changes the IP of a Service that exists', { timeout: 900_000 }, async () => {
      const launch = async () => {
        const p = await ControllerProcess.start(`rolling-${processes.length}`, [
          `--kubeconfig=${kubeconfig}`,
          `--namespace=${poolNs}`,
          `--lb-class=${lbClass}`,
          '--log-level=info',
        ]);
        processes.push(p);
        await p.waitForLog((l) => l.msg === 'caches synced', 60_000);
        return p;
      };
      const first = await launch();
      await first.waitForLog((l) => l.msg === 'leading: assignments restored', 30_000);
      let replicas = [first, await launch()];

      // Churn: a create every ~25 ms, a quarter of them deleted again, through every hand-over.
      let churning = true;
      let index = 0;
      const live: string[] = [];
      const churn = (async () => {
        while (churning) {
          const name = `svc-${index++}`;
          await cluster.createService(ns, name, {
            loadBalancerClass: lbClass,
            ports: [{ port: 80, protocol: 'TCP' }],
          });
          live.push(name);
          if (index % 4 === 0 && live.length > 10)
            await cluster.deleteService(ns, live.splice(index % 7, 1)[0]!);
          // Keep the pool (1,022 addresses) from filling up over a long run.
          if (live.length > 600) await cluster.deleteService(ns, live.shift()!);
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      })();

      for (let round = 0; round < restarts; round += 1) {
        const leader = await waitFor('a leader', async () => {
          for (const p of replicas) if (p.lines.some((l) => l.msg === 'became leader')) return p;
          return undefined;
        });
        const standby = replicas.find((p) => p !== leader)!;
        const leadsBefore = standby.lines.filter((l) => l.msg === 'leading: assignments restored').length;
        await leader.stop();
        await standby.waitForLog(
          () => standby.lines.filter((l) => l.msg === 'leading: assignments restored').length > leadsBefore,
          30_000,
        );
        replicas = [standby, await launch()];
      }
      churning = false;
      await churn;

      const settled = await waitForAllAssigned(cluster, ns, live.length, 120_000).catch(() => undefined);
      const survivors = settled ?? (await cluster.listServices(ns));
      if (settled === undefined) {
        for (const p of replicas) {
          const tail = p.lines.filter((l) => l.level !== 'info' && l.level !== 'debug').slice(-8);
          console.info(`${p.name} (last warnings):\n${tail.map((l) => JSON.stringify(l)).join('\n')}`);
        }
      }
      console.info(
        `${restarts} rolling restarts, ${index} Services created, ${survivors.length} left, ${history.changes.length} IP changes`,
      );
      // The changes first: they are what a stale restore causes (and what a user notices).
      expect(history.changes).toEqual([]);
      expect(findViolations(survivors, (ip) => /^198\.18\.[4-7]\./.test(ip))).toEqual([]);
      expect(survivors.length).toBe(live.length);
    });
  },
);
