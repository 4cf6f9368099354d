/**
 * Restart the API server while Services are being created: the controller (never restarted)
 * rides out the outage, re-lists and re-watches by itself, and assigns every Service.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { binariesAreReady, type Envtest, installCrds, startEnvtest } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartApiServer } from './support/api-server-restart.ts';
import { ControllerProcess } from './support/controller-process.ts';
import { findViolations } from './support/invariants.ts';
import { IpHistory } from './support/ip-history.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const shared = injectEnvtest();
const crds = path.resolve(import.meta.dirname, '../../../deploy/crds');
const ns = 'apps';
const total = 400;

describe.skipIf(!shared)('API server restart under load', () => {
  let envtest: Envtest;
  let dir: string;
  let cluster: TestCluster;
  let controller: ControllerProcess | undefined;
  let history: IpHistory;
  let stopRestarted: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    expect(await binariesAreReady()).toBe(true);
    dir = await mkdtemp(path.join(tmpdir(), 'bmlb-controller-restart-'));
    // Our own API server: this test stops it, which the shared one must never see.
    envtest = await startEnvtest({ dir });
    if (existsSync(crds)) await installCrds(envtest.kubeconfigPath, crds);
    cluster = new TestCluster(envtest.kubeconfigPath);
    await cluster.createNamespace('metallb-system');
    await cluster.createNamespace(ns);
    await cluster.applyPool('metallb-system', 'pool', { addresses: ['2001:db8:77::/116', '192.0.2.0/24'] });
    history = new IpHistory(cluster, ns);
    await history.start();
  });

  afterAll(async () => {
    await controller?.stop();
    await history?.stop();
    await stopRestarted?.();
    await envtest?.stop();
    await cluster?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('recovers without being restarted', { timeout: 180_000 }, async () => {
    controller = await ControllerProcess.start('restart', [
      `--kubeconfig=${envtest.kubeconfigPath}`,
      '--log-level=info',
    ]);
    await waitFor('readiness', () => controller!.ready(), 30_000);
    let created = 0;
    let failedCreates = 0;
    const load = async () => {
      while (created < total) {
        const index = created;
        try {
          await cluster.createService(ns, `svc-${index}`, {
            ipFamilyPolicy: 'SingleStack',
            ipFamilies: [index % 2 ? 'IPv6' : 'IPv4'],
          });
          created++;
        } catch (error) {
          if ((error as { status?: number }).status === 409) created++;
          else {
            failedCreates++;
            await new Promise((resolve) => setTimeout(resolve, 200));
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const loading = load();
    await waitFor('a third of the load', () => created >= total / 3, 60_000);
    stopRestarted = await restartApiServer(envtest.dir, 3_000);
    await loading;
    expect(failedCreates).toBeGreaterThan(0); // the outage was real
    const services = await waitFor(
      'every Service to have an IP',
      async () => {
        const list = await cluster.listServices(ns);
        return list.length === total && list.every((s) => (s.status?.loadBalancer?.ingress ?? []).length > 0)
          ? list
          : undefined;
      },
      90_000,
      500,
    );
    expect(controller.child.exitCode).toBeNull(); // same process throughout
    // The outage outlasted the renew deadline: it stepped down, then led again and re-restored.
    const messages = controller.lines.map((l) => l.msg);
    const lost = messages.indexOf('stopped leading');
    expect(lost).toBeGreaterThan(-1);
    expect(messages.indexOf('became leader', lost)).toBeGreaterThan(lost);
    expect(
      findViolations(services, (ip) => ip.startsWith('2001:db8:77:') || ip.startsWith('192.0.2.')),
    ).toEqual([]);
    expect(history.changes).toEqual([]);
  });
});
