/**
 * The Helm chart and the kustomization describe the same installation: rendered with
 * `namespace.create=true` and default values, the chart yields exactly the objects of
 * `kubectl kustomize deploy`. Renders with `helm` when it is on PATH, else the built-in renderer;
 * builds with kubectl when on PATH, else (and also) the built-in builder.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../cluster/api-server-process.ts';
import { hasCommand } from '../prerequisites.ts';
import { buildKustomization, KustomizeBuilder } from './build-kustomization.ts';
import { sortObjects } from './kube-manifest.ts';
import { ChartRenderer, renderChart } from './render-chart.ts';

const deployDir = path.join(repoRoot, 'deploy');
const chartDir = path.join(deployDir, 'helm/baremetal-lb');
const release = { chartDir, releaseName: 'baremetal-lb', namespace: 'metallb-system' } as const;

describe('deploy/helm/baremetal-lb', () => {
  it('renders the same objects as the kustomization', async () => {
    const kustomized = await buildKustomization(deployDir);
    const chart = await renderChart({ ...release, values: { namespace: { create: true } } });
    console.info(`chart rendered with ${chart.renderer}, kustomization built with ${kustomized.builder}`);
    expect(sortObjects(chart.objects)).toEqual(sortObjects(kustomized.objects));
  });

  // Optional tools are compared only when present (registered, not skipped: a skipped test fails
  // CI under BMLB_REQUIRE_ALL=1, and neither helm nor kubectl is required).
  if (hasCommand('helm')) {
    it('renders the same objects with helm and with the built-in renderer', async () => {
      const values = {
        namespace: { create: true },
        ipAddressPools: [{ name: 'p', spec: { addresses: ['192.0.2.0/28'] } }],
      };
      const helm = await renderChart({ ...release, values, renderer: ChartRenderer.helm });
      const builtIn = await renderChart({ ...release, values, renderer: ChartRenderer.builtIn });
      expect(sortObjects(builtIn.objects)).toEqual(sortObjects(helm.objects));
    });
  }

  if (hasCommand('kubectl')) {
    it('builds the kustomization like kubectl with the built-in builder', async () => {
      const kubectl = await buildKustomization(deployDir, KustomizeBuilder.kubectl);
      const builtIn = await buildKustomization(deployDir, KustomizeBuilder.builtIn);
      expect(sortObjects(builtIn.objects)).toEqual(sortObjects(kubectl.objects));
    });
  }

  it('leaves the Namespace to `helm install --create-namespace` by default', async () => {
    const { objects } = await renderChart(release);
    expect(objects.map((o) => o.kind)).not.toContain('Namespace');
    expect(objects.filter((o) => o.kind === 'CustomResourceDefinition')).toHaveLength(3);
  });

  it('generates the membership Secret only when asked, and keeps an existing key', async () => {
    expect((await renderChart(release)).objects.map((o) => o.kind)).not.toContain('Secret');
    const fresh = await renderChart({ ...release, values: { memberlist: { generateSecret: true } } });
    const secret = fresh.objects.find((o) => o.kind === 'Secret') as
      | { data: { secretkey: string } }
      | undefined;
    const key = Buffer.from(secret?.data.secretkey ?? '', 'base64').toString('utf8');
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);

    const kept = await renderChart({
      ...release,
      renderer: ChartRenderer.builtIn,
      values: { memberlist: { generateSecret: true } },
      functions: {
        lookup: (_v, kind, ns, name) =>
          kind === 'Secret' && ns === 'metallb-system' && name === 'memberlist'
            ? { data: { secretkey: 'a2VwdA==' } }
            : {},
      },
    });
    expect(kept.objects.find((o) => o.kind === 'Secret')).toMatchObject({ data: { secretkey: 'a2VwdA==' } });
  });

  it('renders pools, advertisements and the load-balancer class from values', async () => {
    const { objects } = await renderChart({
      ...release,
      values: {
        loadBalancerClass: 'example.com/lb',
        ipAddressPools: [
          { name: 'first-pool', spec: { addresses: ['192.168.1.240-192.168.1.250'], avoidBuggyIPs: true } },
        ],
        l2Advertisements: [{ name: 'all' }, { name: 'first', spec: { ipAddressPools: ['first-pool'] } }],
      },
    });
    expect(objects.filter((o) => o.kind === 'IPAddressPool')).toEqual([
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'first-pool', namespace: 'metallb-system' },
        spec: { addresses: ['192.168.1.240-192.168.1.250'], avoidBuggyIPs: true },
      },
    ]);
    const advertisements = objects.filter((o) => o.kind === 'L2Advertisement');
    expect(advertisements.map((o) => [o.metadata.name, o.spec])).toEqual([
      ['all', undefined],
      ['first', { ipAddressPools: ['first-pool'] }],
    ]);
    const args = (o: { kind: string }) => JSON.stringify(o).match(/--lb-class=[^"]*/g);
    expect(objects.filter((o) => o.kind === 'Deployment' || o.kind === 'DaemonSet').map(args)).toEqual([
      ['--lb-class=example.com/lb'],
      ['--lb-class=example.com/lb'],
    ]);
  });
});
