/**
 * The Helm chart and the kustomization describe the same installation: `helm template` with
 * `namespace.create=true` and the default values gives exactly the objects of `kustomize build
 * deploy` (and of kubectl's built-in kustomize), compared as parsed objects. Then what each value
 * does to the rendered objects.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deployDir } from '../src/deploy-paths.ts';
import { prepareDeployTools } from '../src/deploy-tools.ts';
import { type KubeObject, parseManifests, sortObjects } from '../src/manifests.ts';

const tools = await prepareDeployTools('deploy/: helm template against kustomize build');
afterAll(() => tools?.dispose());
const everyValue = parse(await readFile(path.join(import.meta.dirname, 'fixtures/every-value.yaml'), 'utf8'));

type Container = {
  readonly image: string;
  readonly args: readonly string[];
  readonly env: readonly { readonly name: string; readonly valueFrom?: { readonly fieldRef?: object } }[];
};
type PodSpec = {
  readonly containers: readonly Container[];
  readonly priorityClassName?: string;
  readonly hostNetwork?: boolean;
  readonly tolerations?: readonly unknown[];
  readonly nodeSelector?: Readonly<Record<string, string>>;
};
type Workload = KubeObject & {
  readonly spec: {
    readonly replicas?: number;
    readonly template: {
      readonly metadata: {
        readonly labels: Record<string, string>;
        readonly annotations: Record<string, string>;
      };
      readonly spec: PodSpec;
    };
  };
};

const find = (objects: readonly KubeObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const workload = (objects: readonly KubeObject[], kind: string, name: string) =>
  find(objects, kind, name) as Workload | undefined;
const kinds = (objects: readonly KubeObject[]) => objects.map((o) => o.kind);

describe.skipIf(!tools)('deploy/helm/baremetal-lb against deploy/kustomization.yaml', () => {
  it('renders exactly the objects of kustomize build deploy', async () => {
    const chart = await tools!.renderChart({ values: { namespace: { create: true } } });
    const kustomized = parseManifests((await tools!.run('kustomize', ['build', deployDir])).stdout);
    expect(kustomized.length).toBeGreaterThanOrEqual(12);
    expect(sortObjects(chart)).toEqual(sortObjects(kustomized));
  });

  it('kubectl kustomize (kubectl’s built-in kustomize) builds the same objects', async () => {
    const kubectl = parseManifests((await tools!.run('kubectl', ['kustomize', deployDir])).stdout);
    const kustomize = parseManifests((await tools!.run('kustomize', ['build', deployDir])).stdout);
    expect(sortObjects(kubectl)).toEqual(sortObjects(kustomize));
  });
});

describe.skipIf(!tools)('chart values', () => {
  it('by default: no Namespace (helm install --create-namespace), no Secret, no monitors', async () => {
    const objects = await tools!.renderChart();
    expect(kinds(objects)).not.toContain('Namespace');
    expect(kinds(objects)).not.toContain('Secret');
    expect(kinds(objects).filter((k) => k.endsWith('Monitor'))).toEqual([]);
    expect(kinds(objects).filter((k) => k === 'CustomResourceDefinition')).toHaveLength(8);
  });

  it('generates the membership Secret when asked: 64 random characters, kept on uninstall', async () => {
    const render = async () =>
      find(
        await tools!.renderChart({ values: { memberlist: { generateSecret: true } } }),
        'Secret',
        'memberlist',
      ) as (KubeObject & { data: { secretkey: string } }) | undefined;
    const [first, second] = [await render(), await render()];
    const key = Buffer.from(first?.data.secretkey ?? '', 'base64').toString('utf8');
    expect(key).toMatch(/^[A-Za-z0-9]{64}$/);
    // helm template cannot look the existing Secret up, so each rendering has a new key.
    expect(second?.data.secretkey).not.toBe(first?.data.secretkey);
    expect(first?.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
  });

  it('renders pools, advertisements and the load-balancer class', async () => {
    const objects = await tools!.renderChart({
      values: {
        loadBalancerClass: 'example.com/lb',
        ipAddressPools: [
          { name: 'first-pool', spec: { addresses: ['198.51.100.240-198.51.100.250'], avoidBuggyIPs: true } },
        ],
        l2Advertisements: [{ name: 'all' }, { name: 'first', spec: { ipAddressPools: ['first-pool'] } }],
      },
    });
    expect(objects.filter((o) => o.kind === 'IPAddressPool')).toEqual([
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'first-pool', namespace: 'metallb-system' },
        spec: { addresses: ['198.51.100.240-198.51.100.250'], avoidBuggyIPs: true },
      },
    ]);
    const advertisements = objects.filter((o) => o.kind === 'L2Advertisement');
    expect(advertisements.map((o) => [o.metadata.name, o.spec])).toEqual([
      ['all', undefined],
      ['first', { ipAddressPools: ['first-pool'] }],
    ]);
    for (const [kind, name] of [
      ['Deployment', 'controller'],
      ['DaemonSet', 'speaker'],
    ] as const) {
      expect(workload(objects, kind, name)?.spec.template.spec.containers[0]?.args).toContain(
        '--lb-class=example.com/lb',
      );
    }
  });

  it('renders BGP peers, advertisements and BFD profiles with their API versions', async () => {
    const objects = await tools!.renderChart({ values: everyValue });
    const bgp = objects
      .filter((o) => ['BGPPeer', 'BGPAdvertisement', 'BFDProfile'].includes(o.kind))
      .map((o) => [o.apiVersion, o.kind, o.metadata.name, o.metadata.namespace]);
    expect(bgp.sort()).toEqual([
      ['metallb.io/v1beta1', 'BFDProfile', 'fast', 'metallb-system'],
      ['metallb.io/v1beta1', 'BGPAdvertisement', 'everything', 'metallb-system'],
      ['metallb.io/v1beta1', 'BGPAdvertisement', 'local', 'metallb-system'],
      ['metallb.io/v1beta2', 'BGPPeer', 'router', 'metallb-system'],
    ]);
    expect(find(objects, 'BGPPeer', 'router')?.spec).toEqual(everyValue.bgpPeers[0].spec);
    expect(find(objects, 'BGPAdvertisement', 'everything')?.spec).toBeUndefined();
  });

  it('applies every value of the full values file to the objects', async () => {
    const objects = await tools!.renderChart({ values: everyValue });
    const controller = workload(objects, 'Deployment', 'controller')!;
    const speaker = workload(objects, 'DaemonSet', 'speaker')!;
    expect(controller.spec.replicas).toBe(3);
    const controllerPod = controller.spec.template;
    const speakerPod = speaker.spec.template;
    expect(controllerPod.spec.containers[0]?.image).toBe(
      'registry.example.com/baremetal-lb/controller:0.1.0-test',
    );
    expect(speakerPod.spec.containers[0]?.image).toBe('registry.example.com/baremetal-lb/speaker:0.1.0-test');
    // "" means no PriorityClass at all.
    expect(controllerPod.spec.priorityClassName).toBeUndefined();
    expect(speakerPod.spec.priorityClassName).toBe('system-cluster-critical');
    expect(
      (find(objects, 'PodDisruptionBudget', 'controller') as KubeObject & { spec: object })?.spec,
    ).toMatchObject({ maxUnavailable: '50%' });
    for (const pod of [controllerPod, speakerPod]) {
      expect(pod.spec.containers[0]?.args).toContain('--metrics-host=0.0.0.0');
    }
    // podAnnotations are merged over the prometheus.io ones and win on a clash.
    expect(controllerPod.metadata.annotations).toEqual({
      'example.com/team': 'networking',
      'prometheus.io/scrape': 'false',
      'prometheus.io/port': '9472',
    });
    expect(speakerPod.metadata.annotations).toEqual({
      'example.com/team': 'networking',
      'prometheus.io/scrape': 'true',
      'prometheus.io/port': '9473',
    });
    // extraArgs come last, so they override the chart's own flags.
    expect(controllerPod.spec.containers[0]?.args.at(-1)).toBe('--log-level=trace');
    expect(speakerPod.spec.containers[0]?.args.at(-1)).toBe('--log-level=debug');
    expect(speakerPod.spec.containers[0]?.args).toContain('--ml-bind-port=9946');
    expect(speakerPod.spec.tolerations).toEqual([{ operator: 'Exists' }]);
    expect(speakerPod.spec.nodeSelector).toEqual({ 'kubernetes.io/os': 'linux', 'example.com/edge': 'true' });
    expect(kinds(objects).filter((k) => k === 'IPAddressPool')).toHaveLength(2);
    expect(kinds(objects)).toContain('Namespace');
    expect(kinds(objects)).toContain('Secret');
  });

  it('by default: critical priority classes, a controller PodDisruptionBudget, metrics on the own address', async () => {
    const objects = await tools!.renderChart();
    const controller = workload(objects, 'Deployment', 'controller')!.spec.template.spec;
    const speaker = workload(objects, 'DaemonSet', 'speaker')!.spec.template.spec;
    expect(controller.priorityClassName).toBe('system-cluster-critical');
    expect(speaker.priorityClassName).toBe('system-node-critical');
    // The budget selects exactly the controller's pods and lets one go at a time.
    expect(find(objects, 'PodDisruptionBudget', 'controller')).toMatchObject({
      apiVersion: 'policy/v1',
      spec: {
        maxUnavailable: 1,
        selector: {
          matchLabels: workload(objects, 'Deployment', 'controller')!.spec.template.metadata.labels,
        },
      },
    });
    // The apps bind /metrics, /healthz and /readyz to $METALLB_HOST: the pod's IP for the
    // controller, the node's for the host-network speaker; no --metrics-host overrides it.
    const hostFrom = (pod: PodSpec) =>
      pod.containers[0]?.env.find((e) => e.name === 'METALLB_HOST')?.valueFrom?.fieldRef;
    expect(hostFrom(controller)).toEqual({ fieldPath: 'status.podIP' });
    expect(speaker.hostNetwork).toBe(true);
    expect(hostFrom(speaker)).toEqual({ fieldPath: 'status.hostIP' });
    for (const pod of [controller, speaker]) {
      expect(pod.containers[0]?.args.filter((a) => a.startsWith('--metrics-host'))).toEqual([]);
    }
    const disabled = await tools!.renderChart({
      values: { controller: { podDisruptionBudget: { enabled: false } } },
    });
    expect(kinds(disabled)).not.toContain('PodDisruptionBudget');
  });

  it('renders a PodMonitor, or a ServiceMonitor with a headless Service, per component', async () => {
    const objects = await tools!.renderChart({ values: { prometheus: everyValue.prometheus } });
    const monitors = objects.filter((o) => o.kind.endsWith('Monitor'));
    expect(monitors.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'PodMonitor controller',
      'PodMonitor speaker',
      'ServiceMonitor controller',
      'ServiceMonitor speaker',
    ]);
    for (const monitor of monitors) {
      expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    }
    const service = find(objects, 'Service', 'speaker-monitor') as KubeObject & {
      spec: { clusterIP: string; ports: { port: number }[]; selector: Record<string, string> };
    };
    expect(service.spec).toMatchObject({
      clusterIP: 'None',
      ports: [{ port: 7472 }],
      selector: { 'app.kubernetes.io/component': 'speaker' },
    });
  });

  it('names the cluster-scoped roles and bindings after the release', async () => {
    const objects = await tools!.renderChart({ release: 'edge', namespace: 'edge-lb' });
    const clusterScoped = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding');
    expect(clusterScoped.map((o) => `${o.kind} ${o.metadata.name}`).sort()).toEqual([
      'ClusterRole edge:controller',
      'ClusterRole edge:speaker',
      'ClusterRoleBinding edge:controller',
      'ClusterRoleBinding edge:speaker',
    ]);
    for (const binding of clusterScoped.filter((o) => o.kind === 'ClusterRoleBinding')) {
      expect(binding).toMatchObject({
        roleRef: { name: binding.metadata.name },
        subjects: [{ kind: 'ServiceAccount', namespace: 'edge-lb' }],
      });
    }
  });
});
