/**
 * deploy/rbac/controller.yaml is sufficient (the controller runs as its ServiceAccount, with the
 * file applied unchanged, in metallb-system, without --lb-class) and least-privilege (the
 * ServiceAccount can do nothing beyond what the controller needs).
 */
import { type ResourceAttributes, serviceAccountMay } from '@baremetal-lb/envtest';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ControllerProcess } from './support/controller-process.ts';
import { controllerIdentity } from './support/controller-rbac.ts';
import { TestCluster, waitFor } from './support/test-cluster.ts';

const envtest = injectEnvtest();
const ns = 'it-rbac-apps';

describe.skipIf(!envtest)('controller RBAC (deploy/rbac/controller.yaml)', () => {
  let cluster: TestCluster;
  let kubeconfig: string;
  let controller: ControllerProcess | undefined;

  const allowed = (attributes: ResourceAttributes) =>
    serviceAccountMay(cluster.client, { namespace: 'metallb-system', name: 'controller' }, attributes);

  beforeAll(async () => {
    cluster = new TestCluster(envtest!.kubeconfigPath);
    kubeconfig = await controllerIdentity(cluster.client, envtest!.kubeconfigPath, 'metallb-system');
    await cluster.createNamespace(ns);
    await cluster.applyPool('metallb-system', 'rbac-pool', {
      addresses: ['192.0.2.128/28', '2001:db8:9::/124'],
    });
  });

  afterAll(async () => {
    await controller?.stop();
    await cluster?.close();
  });

  it('is sufficient: the controller, as the ServiceAccount, serves classless Services, pools, the status of the other metallb.io objects, events and the Lease', async () => {
    controller = await ControllerProcess.start('rbac', [`--kubeconfig=${kubeconfig}`, '--leader-elect']);
    await waitFor('readiness', () => controller!.ready(), 30_000);
    await cluster.createService(ns, 'web', { ipFamilyPolicy: 'PreferDualStack' });
    await cluster.createService(ns, 'bad', {}, { annotations: { 'metallb.io/loadBalancerIPs': 'nonsense' } });
    await cluster.createService(ns, 'classy', { loadBalancerClass: 'example.com/someone-else' });
    const ips = await waitFor('IPs for web', async () => {
      const found = await cluster.ips(ns, 'web');
      return found.length === 2 ? found : undefined;
    });
    expect(ips[0]).toMatch(/^192\.0\.2\./);
    await waitFor('events', async () => {
      const reasons = (await cluster.events(ns)).map((e) => e.reason).sort();
      return reasons.includes('IPAllocated') && reasons.includes('LoadBalancerFailed');
    });
    // web's two addresses, and nothing else (no other classless Service exists in this API server).
    await waitFor('pool status', async () => {
      const status = (await cluster.getPool('metallb-system', 'rbac-pool'))?.status;
      return status?.assignedIPv4 === 1 && status.assignedIPv6 === 1;
    });
    expect(await cluster.ips(ns, 'classy')).toEqual([]);
    // Configuration problems of the other metallb.io kinds, in their status.
    await cluster.createConfigObject('L2Advertisement', 'metallb-system', 'rbac-l2', {
      ipAddressPools: ['nope'],
    });
    await waitFor('the L2Advertisement condition', async () => {
      const status = (await cluster.getConfigObject('L2Advertisement', 'metallb-system', 'rbac-l2')).status;
      return status?.conditions?.[0]?.reason === 'ValidWithWarnings';
    });
    // The speakers' membership key, created because it was missing.
    const secret = await waitFor('membership Secret', () =>
      cluster.client
        .request<{ data?: Record<string, string> }>(
          'GET',
          '/api/v1/namespaces/metallb-system/secrets/memberlist',
        )
        .catch(() => undefined),
    );
    expect(Buffer.from(secret.data?.secretkey ?? '', 'base64').length).toBeGreaterThanOrEqual(64);
    // No request of the controller was refused.
    const denied = controller.lines.filter((l) => JSON.stringify(l).includes('forbidden'));
    expect(denied).toEqual([]);
  });

  it.each<[string, ResourceAttributes]>([
    ['list services', { verb: 'list', resource: 'services' }],
    ['watch services', { verb: 'watch', resource: 'services' }],
    ['patch services', { verb: 'patch', resource: 'services', namespace: ns }],
    ['patch services/status', { verb: 'patch', resource: 'services', subresource: 'status', namespace: ns }],
    ['watch namespaces', { verb: 'watch', resource: 'namespaces' }],
    ['create events', { verb: 'create', resource: 'events', group: 'events.k8s.io', namespace: ns }],
    [
      'watch pools',
      { verb: 'watch', resource: 'ipaddresspools', group: 'metallb.io', namespace: 'metallb-system' },
    ],
    [
      'patch pool status',
      {
        verb: 'patch',
        resource: 'ipaddresspools',
        subresource: 'status',
        group: 'metallb.io',
        namespace: 'metallb-system',
      },
    ],
    ...(['l2advertisements', 'bgppeers', 'bgpadvertisements', 'communities', 'bfdprofiles'] as const).flatMap(
      (resource): [string, ResourceAttributes][] => [
        [`watch ${resource}`, { verb: 'watch', resource, group: 'metallb.io', namespace: 'metallb-system' }],
        [
          `patch ${resource}/status`,
          {
            verb: 'patch',
            resource,
            subresource: 'status',
            group: 'metallb.io',
            namespace: 'metallb-system',
          },
        ],
      ],
    ),
    ['create the membership Secret', { verb: 'create', resource: 'secrets', namespace: 'metallb-system' }],
    [
      'update its Lease',
      {
        verb: 'update',
        resource: 'leases',
        group: 'coordination.k8s.io',
        namespace: 'metallb-system',
        name: 'baremetal-lb-controller',
      },
    ],
  ])('allows what the controller needs: %s', async (_what, attributes) => {
    expect(await allowed(attributes)).toBe(true);
  });

  it.each<[string, ResourceAttributes]>([
    ['delete services', { verb: 'delete', resource: 'services', namespace: ns }],
    ['create services', { verb: 'create', resource: 'services', namespace: ns }],
    ['update services (PUT)', { verb: 'update', resource: 'services', namespace: ns }],
    ['read secrets', { verb: 'get', resource: 'secrets', namespace: 'metallb-system' }],
    [
      'change the membership Secret',
      { verb: 'update', resource: 'secrets', namespace: 'metallb-system', name: 'memberlist' },
    ],
    ['create secrets elsewhere', { verb: 'create', resource: 'secrets', namespace: ns }],
    ['read pods', { verb: 'list', resource: 'pods' }],
    ['patch namespaces', { verb: 'patch', resource: 'namespaces' }],
    ['delete events', { verb: 'delete', resource: 'events', group: 'events.k8s.io', namespace: ns }],
    [
      'change pool specs',
      { verb: 'patch', resource: 'ipaddresspools', group: 'metallb.io', namespace: 'metallb-system' },
    ],
    [
      'create pools',
      { verb: 'create', resource: 'ipaddresspools', group: 'metallb.io', namespace: 'metallb-system' },
    ],
    [
      'watch pools in other namespaces',
      { verb: 'watch', resource: 'ipaddresspools', group: 'metallb.io', namespace: ns },
    ],
    [
      'update other Leases',
      {
        verb: 'update',
        resource: 'leases',
        group: 'coordination.k8s.io',
        namespace: 'metallb-system',
        name: 'kube-scheduler',
      },
    ],
    [
      'delete its Lease',
      {
        verb: 'delete',
        resource: 'leases',
        group: 'coordination.k8s.io',
        namespace: 'metallb-system',
        name: 'baremetal-lb-controller',
      },
    ],
    ...(['l2advertisements', 'bgppeers', 'bgpadvertisements', 'communities', 'bfdprofiles'] as const).flatMap(
      (resource): [string, ResourceAttributes][] => [
        [
          `change ${resource} specs`,
          { verb: 'patch', resource, group: 'metallb.io', namespace: 'metallb-system' },
        ],
        [
          `patch ${resource}/status elsewhere`,
          { verb: 'patch', resource, subresource: 'status', group: 'metallb.io', namespace: ns },
        ],
      ],
    ),
    ...(['servicel2statuses', 'servicebgpstatuses'] as const).map(
      (resource): [string, ResourceAttributes] => [
        `patch the speakers' ${resource}/status`,
        { verb: 'patch', resource, subresource: 'status', group: 'metallb.io', namespace: 'metallb-system' },
      ],
    ),
    ['list secrets (BGPPeer passwords)', { verb: 'list', resource: 'secrets', namespace: 'metallb-system' }],
    [
      'escalate RBAC',
      { verb: 'create', resource: 'clusterrolebindings', group: 'rbac.authorization.k8s.io' },
    ],
  ])('denies what it does not need: %s', async (_what, attributes) => {
    expect(await allowed(attributes)).toBe(false);
  });
});
