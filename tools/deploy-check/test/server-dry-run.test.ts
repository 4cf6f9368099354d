/**
 * `kubectl apply --server-side --dry-run=server` of the kustomization and of the chart (with every
 * value set, monitors included) against a real API server (tools/envtest) with the repository's
 * CRDs and the Prometheus operator's PodMonitor and ServiceMonitor CRDs installed: validation,
 * defaulting, CRD schemas, CEL rules and admission run on every object, and nothing is stored.
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { installCrds } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { checkPrerequisites, LabCommandError } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { deployDir } from '../src/deploy-paths.ts';
import { prepareDeployTools } from '../src/deploy-tools.ts';
import { type KubeObject, parseManifests } from '../src/manifests.ts';
import { fetchMonitorCrds } from '../src/prometheus-operator-crds.ts';

const envtest = injectEnvtest();
const tools = envtest && (await prepareDeployTools('deploy/: server dry run against envtest'));
// The monitor CRDs come from the Go module proxy, so this file needs Go even with prebuilt tools.
const haveGo = checkPrerequisites('deploy/: Prometheus operator CRDs', {
  commands: [{ name: 'go', debianPackage: 'golang-go' }],
});
const everyValue = parse(await readFile(path.join(import.meta.dirname, 'fixtures/every-value.yaml'), 'utf8'));

describe.skipIf(!tools || !haveGo)('deploy/ against a real API server', () => {
  const kubeconfig = ['--kubeconfig', envtest!.kubeconfigPath];
  const dryRun = (args: readonly string[], input?: string) =>
    tools!.run('kubectl', ['apply', '--server-side', '--dry-run=server', ...kubeconfig, ...args], input);
  const dryRunObjects = (objects: readonly KubeObject[]) =>
    dryRun(['-f', '-'], objects.map((o) => stringify(o)).join('---\n'));
  const createNamespace = (name: string) =>
    tools!.run('kubectl', ['create', 'namespace', name, ...kubeconfig]);

  beforeAll(async () => {
    const crds = await fetchMonitorCrds();
    try {
      expect(await installCrds(envtest!.kubeconfigPath, crds)).toEqual([
        'podmonitors.monitoring.coreos.com',
        'servicemonitors.monitoring.coreos.com',
      ]);
    } finally {
      await rm(crds, { recursive: true, force: true });
    }
    // A dry run cannot create objects in a namespace that the same dry run only pretends to
    // create (NamespaceLifecycle admission), on any cluster; create them for real first.
    await createNamespace('metallb-system');
    await createNamespace('dry-run-every-value');
  }, 10 * 60_000);
  afterAll(() => tools?.dispose());

  it('accepts kubectl apply -k deploy', async () => {
    const { stdout } = await dryRun(['-k', deployDir]);
    const expected = parseManifests((await tools!.run('kustomize', ['build', deployDir])).stdout);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(expected.length);
    expect(lines.every((line) => line.endsWith('serverside-applied (server dry run)'))).toBe(true);
    expect(stdout).toMatch(/^deployment\.apps\/controller serverside-applied/m);
    expect(stdout).toMatch(/^daemonset\.apps\/speaker serverside-applied/m);
  });

  it('admits the pods of deploy/ in metallb-system with their PriorityClasses (Priority admission)', async () => {
    const objects = parseManifests((await tools!.run('kustomize', ['build', deployDir])).stdout);
    // Admission resolves a Pod's priorityClassName (a workload's template is not checked): an
    // unknown class, or one refused outside kube-system, fails here.
    const pods = ['Deployment', 'DaemonSet'].map((kind) => {
      const workload = objects.find((o) => o.kind === kind) as KubeObject & {
        spec: { template: { metadata: object; spec: { priorityClassName?: string } } };
      };
      expect(workload.spec.template.spec.priorityClassName).toMatch(/^system-(cluster|node)-critical$/);
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          ...workload.spec.template.metadata,
          name: `${workload.metadata.name}-pod`,
          namespace: 'metallb-system',
        },
        spec: workload.spec.template.spec,
      } as KubeObject;
    });
    const { stdout } = await dryRunObjects(pods);
    expect(stdout.trim().split('\n')).toEqual([
      'pod/controller-pod serverside-applied (server dry run)',
      'pod/speaker-pod serverside-applied (server dry run)',
    ]);
    const unknown = {
      ...pods[0]!,
      spec: { ...(pods[0]!.spec as object), priorityClassName: 'no-such-class' },
    };
    await expect(dryRunObjects([unknown])).rejects.toThrow(/no-such-class/);
  });

  it('accepts kubectl apply -f deploy/crds (the README’s CRD upgrade), links followed', async () => {
    const { stdout } = await dryRun(['-f', path.join(deployDir, 'crds')]);
    expect(stdout.trim().split('\n').sort()).toEqual([
      'customresourcedefinition.apiextensions.k8s.io/bfdprofiles.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/bgpadvertisements.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/bgppeers.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/communities.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/ipaddresspools.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/l2advertisements.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/servicebgpstatuses.metallb.io serverside-applied (server dry run)',
      'customresourcedefinition.apiextensions.k8s.io/servicel2statuses.metallb.io serverside-applied (server dry run)',
    ]);
  });

  it('accepts the chart with every value set, monitors included', async () => {
    const objects = await tools!.renderChart({ namespace: 'dry-run-every-value', values: everyValue });
    const { stdout } = await dryRunObjects(objects);
    expect(stdout.trim().split('\n')).toHaveLength(objects.length);
    expect(stdout).toMatch(/^servicemonitor\.monitoring\.coreos\.com\/speaker serverside-applied/m);
    expect(stdout).toMatch(/^podmonitor\.monitoring\.coreos\.com\/controller serverside-applied/m);
  });

  it('refuses a pool whose range runs backwards, with the CRD rule’s message', async () => {
    const objects = await tools!.renderChart({
      values: {
        ipAddressPools: [{ name: 'backwards', spec: { addresses: ['198.51.100.250-198.51.100.240'] } }],
      },
    });
    const error = await dryRunObjects(objects.filter((o) => o.kind === 'IPAddressPool')).then(
      () => expect.fail('the API server accepted a backwards range'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LabCommandError);
    expect((error as LabCommandError).stderr).toMatch(/IPAddressPool.*backwards.*invalid/is);
  });

  it('refuses a monitor whose scrape interval is not a duration (the operator’s CRD schema)', async () => {
    const objects = await tools!.renderChart({
      values: { prometheus: { podMonitor: { enabled: true } } },
    });
    const monitor = objects.find((o) => o.kind === 'PodMonitor')!;
    const bad = {
      ...monitor,
      spec: { ...(monitor.spec as object), podMetricsEndpoints: [{ port: 'monitoring', interval: 'often' }] },
    };
    await expect(dryRunObjects([bad])).rejects.toThrow(/interval/);
  });
});
