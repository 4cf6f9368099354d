import type { HttpKubeClient } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectEnvtest } from '../vitest/inject-envtest.ts';
import { createObject, prepareCrdTests, readExamples, resourcePath } from './crd-test-client.ts';

const envtest = injectEnvtest();

function pool(
  name: string,
  spec: Record<string, unknown>,
): { kind: string; metadata: { name: string }; spec: unknown } {
  return { kind: 'IPAddressPool', metadata: { name }, spec };
}

function advertisement(name: string, spec: Record<string, unknown>) {
  return { kind: 'L2Advertisement', metadata: { name }, spec };
}

describe.skipIf(!envtest)('metallb.io CRDs against a real kube-apiserver', () => {
  let api: HttpKubeClient;
  let namespace: string;
  afterAll(async () => api?.close());

  beforeAll(async () => {
    if (!envtest) return;
    expect(envtest.crds).toEqual(
      expect.arrayContaining([
        'ipaddresspools.metallb.io',
        'l2advertisements.metallb.io',
        'servicel2statuses.metallb.io',
      ]),
    );
    ({ api, namespace } = await prepareCrdTests(envtest.kubeconfigPath, 'crds'));
  });

  it('accepts every MetalLB documentation example unchanged', async () => {
    const examples = await readExamples('metallb-docs-examples.yaml');
    expect(examples.length).toBeGreaterThanOrEqual(12);
    for (const example of examples) {
      const verdict = await createObject(api, example, { dryRun: true });
      expect({ example: example.metadata.name, message: verdict.message }).toEqual({
        example: example.metadata.name,
        message: '',
      });
      expect(verdict.accepted).toBe(true);
    }
  });

  it('defaults autoAssign to true and avoidBuggyIPs to false, like MetalLB', async () => {
    const verdict = await createObject(api, pool('defaults', { addresses: ['192.0.2.0/28'] }), { namespace });
    expect(verdict.accepted).toBe(true);
    expect((verdict.body as { spec: unknown }).spec).toEqual({
      addresses: ['192.0.2.0/28'],
      autoAssign: true,
      avoidBuggyIPs: false,
    });
  });

  it.each([
    [
      'an empty address list',
      pool('p', { addresses: [] }),
      /spec\.addresses in body should have at least 1 items/,
    ],
    ['no addresses', pool('p', { autoAssign: true }), /spec\.addresses: Required value/],
    ['a word', pool('p', { addresses: ['foo'] }), /address "foo" is neither a CIDR .* nor a range start-end/],
    ['a bare IP', pool('p', { addresses: ['192.0.2.1'] }), /address "192\.0\.2\.1" is neither a CIDR/],
    [
      'a prefix too long',
      pool('p', { addresses: ['192.0.2.0/33'] }),
      /address "192\.0\.2\.0\/33" is neither/,
    ],
    [
      'a range without an end',
      pool('p', { addresses: ['192.0.2.1-'] }),
      /address "192\.0\.2\.1-" is neither/,
    ],
    ['a range of three', pool('p', { addresses: ['192.0.2.1-192.0.2.5-192.0.2.9'] }), /is neither a CIDR/],
    ['a CIDR as range end', pool('p', { addresses: ['192.0.2.1-192.0.2.0/24'] }), /is neither a CIDR/],
    [
      'mixed families',
      pool('p', { addresses: ['192.0.2.10-2001:db8::1'] }),
      /range "192\.0\.2\.10-2001:db8::1" mixes IPv4 and IPv6/,
    ],
    [
      'a reversed IPv4 range',
      pool('p', { addresses: ['192.0.2.20-192.0.2.10'] }),
      /range "192\.0\.2\.20-192\.0\.2\.10" starts after it ends/,
    ],
    [
      'a reversed range that sorts as text',
      pool('p', { addresses: ['192.0.2.100-192.0.2.20'] }),
      /starts after it ends/,
    ],
    [
      'a reversed IPv6 range',
      pool('p', { addresses: ['2001:db8::ff - 2001:db8::1'] }),
      /range "2001:db8::ff - 2001:db8::1" starts after/,
    ],
    [
      'a reversed IPv6 range across groups',
      pool('p', { addresses: ['2001:db8:0:1::-2001:db8::ffff'] }),
      /starts after it ends/,
    ],
    [
      'a repeated address',
      pool('p', { addresses: ['192.0.2.0/24', '198.51.100.0/24', '192.0.2.0/24'] }),
      /spec\.addresses\[2\]: Duplicate value: "192\.0\.2\.0\/24"/,
    ],
    [
      'a negative priority',
      pool('p', { addresses: ['192.0.2.0/24'], serviceAllocation: { priority: -1 } }),
      /spec\.serviceAllocation\.priority: Invalid value: -1: .*greater than or equal to 0/,
    ],
    [
      'an unknown selector operator',
      pool('p', {
        addresses: ['192.0.2.0/24'],
        serviceAllocation: { serviceSelectors: [{ matchExpressions: [{ key: 'a', operator: 'Maybe' }] }] },
      }),
      /Unsupported value: "Maybe"/,
    ],
    [
      'a preferred weight of 0',
      advertisement('a', { preferredNodeSelectors: [{ weight: 0, preference: {} }] }),
      /weight: Invalid value: 0: .*greater than or equal to 1/,
    ],
    [
      'a preferred weight of 101',
      advertisement('a', { preferredNodeSelectors: [{ weight: 101, preference: {} }] }),
      /weight: Invalid value: 101: .*less than or equal to 100/,
    ],
    [
      'a preference without weight',
      advertisement('a', { preferredNodeSelectors: [{ preference: {} }] }),
      /weight: Required value/,
    ],
    [
      'an unknown node selector operator',
      advertisement('a', { nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'in' }] }] }),
      /Unsupported value: "in"/,
    ],
  ])('rejects %s with a readable message', async (_title, object, expected) => {
    const verdict = await createObject(api, object, { namespace, dryRun: true });
    expect(verdict.status).toBe(422);
    expect(verdict.message).toMatch(expected);
  });

  it('accepts the boundary cases of ranges', async () => {
    const addresses = [
      '192.0.2.7-192.0.2.7',
      '192.0.2.8 - 192.0.2.9',
      '0.0.0.0-255.255.255.255',
      '2001:DB8::1-2001:db8::1:0',
      '::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
      '2001:db8::/32',
      '192.0.2.5/24',
    ];
    const verdict = await createObject(api, pool('boundaries', { addresses }), { namespace, dryRun: true });
    expect(verdict.message).toBe('');
  });

  it('accepts the newer L2Advertisement fields', async () => {
    const verdict = await createObject(
      api,
      advertisement('newer', {
        serviceSelectors: [{ matchLabels: { app: 'web' } }],
        preferredNodeSelectors: [
          { weight: 1, preference: { matchLabels: { zone: 'a' } } },
          { weight: 100, preference: { matchExpressions: [{ key: 'rack', operator: 'Exists' }] } },
        ],
      }),
      { namespace, dryRun: true },
    );
    expect(verdict.message).toBe('');
  });

  it('lets status change only through the status subresource', async () => {
    const created = await createObject(
      api,
      { ...pool('status-pool', { addresses: ['198.51.100.0/24'] }), status: { assignedIPv4: 9 } } as never,
      { namespace },
    );
    expect(created.accepted).toBe(true);
    expect((created.body as { status?: unknown }).status).toBeUndefined();
    const path = resourcePath('IPAddressPool', namespace, 'status-pool');
    type Pool = { spec: { addresses: string[] }; status?: Record<string, unknown> };
    const current = await api.request<Pool>('GET', path);
    const viaMain = await api.request<Pool>('PUT', path, {
      body: { ...current, status: { assignedIPv4: 3 } },
    });
    expect(viaMain.status).toBeUndefined();
    const status = { assignedIPv4: 2, assignedIPv6: 0, availableIPv4: 254, availableIPv6: 0 };
    const viaStatus = await api.request<Pool>('PUT', `${path}/status`, {
      body: { ...viaMain, spec: { addresses: ['203.0.113.0/24'] }, status },
    });
    expect(viaStatus.status).toMatchObject(status);
    expect(viaStatus.spec.addresses).toEqual(['198.51.100.0/24']);
  });

  it('keeps the identity fields of a ServiceL2Status immutable', async () => {
    const created = await createObject(
      api,
      {
        kind: 'ServiceL2Status',
        metadata: { name: 'l2-abc', labels: { 'metallb.io/node': 'node-a' } },
      } as never,
      { namespace },
    );
    expect(created.accepted).toBe(true);
    const path = resourcePath('ServiceL2Status', namespace, 'l2-abc', 'status');
    const first = await api.request<Record<string, unknown>>('PUT', path, {
      body: {
        ...(created.body as object),
        status: { node: 'node-a', serviceName: 'web', serviceNamespace: 'shop' },
      },
    });
    const moved = api.request('PUT', path, {
      body: {
        ...first,
        status: {
          node: 'node-b',
          serviceName: 'web',
          serviceNamespace: 'shop',
          interfaces: [{ name: 'eth0' }],
        },
      },
    });
    await expect(moved).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/status\.node is immutable/),
    });
  });

  it('prints MetalLB-like columns', async () => {
    const table = await fetchTable(api, resourcePath('IPAddressPool', namespace));
    expect(table.columnDefinitions.filter((c) => c.priority === 0).map((c) => c.name)).toEqual([
      'Name',
      'Auto Assign',
      'Avoid Buggy IPs',
      'Addresses',
    ]);
    // A pool that sets neither field still shows both values (the schema's defaults), as `kubectl
    // get ipaddresspools` does for MetalLB's CRD.
    const row = table.rows.find((r) => r.cells[0] === 'defaults');
    expect(row?.cells.slice(0, 4)).toEqual(['defaults', true, false, '["192.0.2.0/28"]']);
    const l2 = await fetchTable(api, resourcePath('L2Advertisement', namespace));
    expect(l2.columnDefinitions.map((c) => c.name)).toEqual(
      expect.arrayContaining(['IPAddressPools', 'IPAddressPool Selectors', 'Interfaces', 'Node Selectors']),
    );
  });
});

type Table = {
  readonly columnDefinitions: readonly { name: string; priority: number }[];
  readonly rows: readonly { cells: readonly unknown[] }[];
};

/** kubectl's view: the server renders a Table when asked with this Accept header. */
async function fetchTable(api: HttpKubeClient, apiPath: string): Promise<Table> {
  return api.request<Table>('GET', apiPath, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
}
