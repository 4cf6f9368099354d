/**
 * deploy/ against a real API server (tools/envtest): `kubectl apply --dry-run=server -k deploy`
 * (client-node with dryRun=All when kubectl is missing), the Helm chart's objects with pools and
 * advertisements from values, and an invalid pool that the server must refuse.
 */
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ApiServerProcess,
  apiServerNeeds,
  repoRoot,
  startApiServerProcess,
} from '../cluster/api-server-process.ts';
import { checkPrerequisites, hasCommand } from '../prerequisites.ts';
import { buildKustomization, KustomizeBuilder } from './build-kustomization.ts';
import { DryRunRejectedError, DryRunTool, dryRunApply } from './dry-run-apply.ts';
import { renderChart } from './render-chart.ts';

const deployDir = path.join(repoRoot, 'deploy');
const chartDir = path.join(deployDir, 'helm/baremetal-lb');
const ready = checkPrerequisites('deploy manifests against envtest', apiServerNeeds());
const tools = hasCommand('kubectl') ? [DryRunTool.kubectl, DryRunTool.clientNode] : [DryRunTool.clientNode];

describe.skipIf(!ready)('deploy manifests against a real API server', () => {
  let api: ApiServerProcess;

  beforeAll(async () => {
    api = await startApiServerProcess({
      listenAddress: '127.0.0.1',
      crdDirs: [path.join(deployDir, 'crds')],
    });
    // `apply --dry-run=server` cannot create objects in a namespace that the same dry run only
    // pretends to create (NamespaceLifecycle admission), on any cluster; create it for real first.
    const kc = new KubeConfig();
    kc.loadFromFile(api.kubeconfigPath);
    await kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'metallb-system' } } });
  }, 16 * 60_000);

  afterAll(async () => {
    await api?.stop();
  });

  it.each(tools)('accepts the kustomization (%s)', async (tool) => {
    const source =
      tool === DryRunTool.kubectl
        ? { kustomizationDir: deployDir }
        : { objects: (await buildKustomization(deployDir, KustomizeBuilder.builtIn)).objects };
    const { applied } = await dryRunApply(api.kubeconfigPath, source, tool);
    const kinds = applied.join('\n');
    for (const expected of [
      /deployment.*controller|Deployment .*controller/i,
      /daemonset.*speaker|DaemonSet .*speaker/i,
    ]) {
      expect(kinds).toMatch(expected);
    }
    expect(applied.length).toBe(
      (await buildKustomization(deployDir, KustomizeBuilder.builtIn)).objects.length,
    );
  });

  it.each(tools)('accepts the chart with pools and advertisements from values (%s)', async (tool) => {
    const { objects } = await renderChart({
      chartDir,
      releaseName: 'baremetal-lb',
      namespace: 'metallb-system',
      values: {
        memberlist: { generateSecret: true },
        loadBalancerClass: 'example.com/lb',
        ipAddressPools: [
          {
            name: 'first-pool',
            spec: { addresses: ['192.168.1.240-192.168.1.250', 'fc00:f853:ccd:e799::/124'] },
          },
          { name: 'manual', spec: { addresses: ['203.0.113.0/28'], autoAssign: false } },
        ],
        l2Advertisements: [
          { name: 'everything' },
          { name: 'first', spec: { ipAddressPools: ['first-pool'] } },
        ],
      },
    });
    const { applied } = await dryRunApply(api.kubeconfigPath, { objects }, tool);
    expect(applied).toHaveLength(objects.length);
  });

  it.each(tools)('refuses a pool whose range runs backwards (%s)', async (tool) => {
    const { objects } = await renderChart({
      chartDir,
      releaseName: 'baremetal-lb',
      namespace: 'metallb-system',
      values: {
        ipAddressPools: [{ name: 'backwards', spec: { addresses: ['192.168.1.250-192.168.1.240'] } }],
      },
    });
    const pools = objects.filter((o) => o.kind === 'IPAddressPool');
    await expect(dryRunApply(api.kubeconfigPath, { objects: pools }, tool)).rejects.toBeInstanceOf(
      DryRunRejectedError,
    );
  });
});
