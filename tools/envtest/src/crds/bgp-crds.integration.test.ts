import type { HttpKubeClient } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectEnvtest } from '../vitest/inject-envtest.ts';
import { createObject, prepareCrdTests, readExamples, resourcePath } from './crd-test-client.ts';

const envtest = injectEnvtest();

function peer(spec: Record<string, unknown>) {
  return { kind: 'BGPPeer', metadata: { name: 'p' }, spec: { myASN: 64512, ...spec } };
}

/** A valid single-hop iBGP peer plus `extra`. */
function ibgp(extra: Record<string, unknown>) {
  return peer({ peerASN: 64512, peerAddress: '198.51.100.1', ...extra });
}

function advertisement(spec: Record<string, unknown>) {
  return { kind: 'BGPAdvertisement', metadata: { name: 'a' }, spec };
}

function community(communities: unknown[]) {
  return { kind: 'Community', metadata: { name: 'c' }, spec: { communities } };
}

function bfd(spec: Record<string, unknown>) {
  return { kind: 'BFDProfile', metadata: { name: 'b' }, spec };
}

describe.skipIf(!envtest)('metallb.io BGP CRDs against a real kube-apiserver', () => {
  let api: HttpKubeClient;
  let namespace: string;
  afterAll(async () => api?.close());

  beforeAll(async () => {
    if (!envtest) return;
    expect(envtest.crds).toEqual(
      expect.arrayContaining([
        'bgppeers.metallb.io',
        'bgpadvertisements.metallb.io',
        'communities.metallb.io',
        'bfdprofiles.metallb.io',
        'servicebgpstatuses.metallb.io',
      ]),
    );
    ({ api, namespace } = await prepareCrdTests(envtest.kubeconfigPath, 'bgp-crds'));
  });

  it('accepts every MetalLB BGP documentation example unchanged', async () => {
    const examples = await readExamples('metallb-bgp-docs-examples.yaml');
    expect(new Set(examples.map((e) => e.kind))).toEqual(
      new Set(['BGPPeer', 'BGPAdvertisement', 'BFDProfile', 'Community']),
    );
    for (const example of examples) {
      const verdict = await createObject(api, example, { namespace, dryRun: true });
      expect({ example: `${example.kind}/${example.metadata.name}`, message: verdict.message }).toEqual({
        example: `${example.kind}/${example.metadata.name}`,
        message: '',
      });
      expect(verdict.accepted).toBe(true);
    }
  });

  it('defaults peerPort, aggregation lengths and the MP flags like MetalLB', async () => {
    const created = await createObject(api, ibgp({}), { namespace, dryRun: true });
    expect((created.body as { spec: unknown }).spec).toEqual({
      myASN: 64512,
      peerASN: 64512,
      peerAddress: '198.51.100.1',
      peerPort: 179,
      disableMP: false,
      dualStackAddressFamily: false,
    });
    const advertised = await createObject(api, advertisement({}), { namespace, dryRun: true });
    expect((advertised.body as { spec: unknown }).spec).toEqual({
      aggregationLength: 32,
      aggregationLengthV6: 128,
    });
  });

  it('serves BGPPeer as v1beta2 only (v1beta1 needs MetalLB’s conversion webhook)', async () => {
    await expect(
      api.request('GET', `/apis/metallb.io/v1beta1/namespaces/${namespace}/bgppeers`),
    ).rejects.toMatchObject({
      status: 404,
    });
  });

  it.each([
    [
      'a BGPPeer without myASN',
      { kind: 'BGPPeer', metadata: { name: 'p' }, spec: { peerASN: 1, peerAddress: '198.51.100.1' } },
      /spec\.myASN: Required value/,
    ],
    ['myASN 0', ibgp({ myASN: 0 }), /spec\.myASN: Invalid value: 0: .*greater than or equal to 1/],
    [
      'an ASN above 32 bits',
      ibgp({ peerASN: 4294967296 }),
      /spec\.peerASN: Invalid value: 4294967296: .*less than or equal to 4294967295/,
    ],
    [
      'neither peerASN nor dynamicASN',
      peer({ peerAddress: '198.51.100.1' }),
      /exactly one of peerASN and dynamicASN must be set/,
    ],
    [
      'both peerASN and dynamicASN',
      ibgp({ dynamicASN: 'external' }),
      /exactly one of peerASN and dynamicASN must be set/,
    ],
    [
      'an unknown dynamicASN',
      peer({ dynamicASN: 'any', peerAddress: '198.51.100.1' }),
      /Unsupported value: "any"/,
    ],
    [
      'neither peerAddress nor interface',
      peer({ peerASN: 64512 }),
      /exactly one of peerAddress and interface must be set/,
    ],
    [
      'both peerAddress and interface',
      ibgp({ interface: 'eth0' }),
      /exactly one of peerAddress and interface must be set/,
    ],
    [
      'a peerAddress that is a name',
      ibgp({ peerAddress: 'router.example' }),
      /peerAddress must be an IPv4 or IPv6 address/,
    ],
    [
      'a sourceAddress that is a CIDR',
      ibgp({ sourceAddress: '198.51.100.2/24' }),
      /sourceAddress must be an IPv4 or IPv6 address/,
    ],
    ['an IPv6 routerID', ibgp({ routerID: '2001:db8::1' }), /routerID must be an IPv4 address .*RFC 4271/],
    ['peerPort 0', ibgp({ peerPort: 0 }), /spec\.peerPort: Invalid value: 0/],
    [
      'peerPort 16385',
      ibgp({ peerPort: 16385 }),
      /spec\.peerPort: Invalid value: 16385: .*less than or equal to 16384/,
    ],
    ['a holdTime of 2s', ibgp({ holdTime: '2s' }), /holdTime must be 0 or at least 3s/],
    [
      'a holdTime that is not a duration',
      ibgp({ holdTime: 'ninety' }),
      /spec\.holdTime in body should match/,
    ],
    ['a negative keepaliveTime', ibgp({ keepaliveTime: '-1s' }), /spec\.keepaliveTime in body should match/],
    [
      'keepaliveTime above holdTime',
      ibgp({ holdTime: '9s', keepaliveTime: '10s' }),
      /keepaliveTime must not be longer than holdTime/,
    ],
    ['a connectTime of 0s', ibgp({ connectTime: '0s' }), /connectTime must be between 1s and 65535s/],
    [
      'a connectTime of 1.5s',
      ibgp({ connectTime: '1500ms' }),
      /connectTime must be a whole number of seconds/,
    ],
    [
      'password and passwordSecret',
      ibgp({ password: 'x', passwordSecret: { name: 's' } }),
      /password and passwordSecret are mutually exclusive/,
    ],
    ['ebgpMultiHop on iBGP', ibgp({ ebgpMultiHop: true }), /ebgpMultiHop is for eBGP only/],
    [
      'ebgpMultiHop with dynamicASN internal',
      peer({ dynamicASN: 'internal', peerAddress: '198.51.100.1', ebgpMultiHop: true }),
      /ebgpMultiHop is for eBGP only/,
    ],
    [
      'an aggregationLength of 33',
      advertisement({ aggregationLength: 33 }),
      /spec\.aggregationLength: Invalid value: 33: .*less than or equal to 32/,
    ],
    [
      'an aggregationLength of 0',
      advertisement({ aggregationLength: 0 }),
      /spec\.aggregationLength: Invalid value: 0/,
    ],
    [
      'an aggregationLengthV6 of 129',
      advertisement({ aggregationLengthV6: 129 }),
      /spec\.aggregationLengthV6: Invalid value: 129/,
    ],
    ['a negative localPref', advertisement({ localPref: -1 }), /spec\.localPref: Invalid value: -1/],
    [
      'a community number above 16 bits',
      advertisement({ communities: ['65536:1'] }),
      /a community A:B needs two numbers from 0 to 65535/,
    ],
    [
      'a malformed large community',
      advertisement({ communities: ['large:1:2'] }),
      /a large community is large:G:L1:L2/,
    ],
    [
      'a large community above 32 bits',
      advertisement({ communities: ['large:4294967296:1:1'] }),
      /a large community is large:G:L1:L2 with three numbers from 0 to 4294967295/,
    ],
    [
      'serviceSelectors with aggregation',
      advertisement({ aggregationLength: 24, serviceSelectors: [{ matchLabels: { a: 'b' } }] }),
      /serviceSelectors need aggregationLength 32/,
    ],
    [
      'an unknown peer node selector operator',
      ibgp({ nodeSelectors: [{ matchExpressions: [{ key: 'a', operator: 'in' }] }] }),
      /Unsupported value: "in"/,
    ],
    [
      'a duplicate alias name',
      community([
        { name: 'a', value: '1:1' },
        { name: 'a', value: '2:2' },
      ]),
      /spec\.communities\[1\]: Duplicate value: \{"name":"a"\}/,
    ],
    [
      'an alias value that is a word',
      community([{ name: 'a', value: 'no-advertise' }]),
      /a community value is A:B or large:G:L1:L2/,
    ],
    [
      'an alias value above 16 bits',
      community([{ name: 'a', value: '1:70000' }]),
      /a community A:B needs two numbers from 0 to 65535/,
    ],
    ['an alias without a value', community([{ name: 'a' }]), /spec\.communities\[0\]\.value: Required value/],
    [
      'a receiveInterval of 9 ms',
      bfd({ receiveInterval: 9 }),
      /spec\.receiveInterval: Invalid value: 9: .*greater than or equal to 10/,
    ],
    [
      'a transmitInterval of 60001 ms',
      bfd({ transmitInterval: 60001 }),
      /spec\.transmitInterval: Invalid value: 60001/,
    ],
    [
      'a detectMultiplier of 1',
      bfd({ detectMultiplier: 1 }),
      /spec\.detectMultiplier: Invalid value: 1: .*greater than or equal to 2/,
    ],
    ['a minimumTtl of 255', bfd({ minimumTtl: 255 }), /spec\.minimumTtl: Invalid value: 255/],
  ])('rejects %s with a readable message', async (_title, object, expected) => {
    const verdict = await createObject(api, object as never, { namespace, dryRun: true });
    expect(verdict.status).toBe(422);
    expect(verdict.message).toMatch(expected);
  });

  it('accepts the boundary values', async () => {
    for (const object of [
      peer({ dynamicASN: 'external', interface: 'eth0', ebgpMultiHop: true, localASN: 4294967295 }),
      ibgp({
        holdTime: '0s',
        keepaliveTime: '0s',
        connectTime: '65535s',
        peerPort: 16384,
        routerID: '198.51.100.9',
      }),
      ibgp({ holdTime: '3s', keepaliveTime: '1s', sourceAddress: '2001:db8::2', peerAddress: '2001:db8::1' }),
      peer({ peerASN: 4200000000, peerAddress: '198.51.100.1', ebgpMultiHop: true, password: 'secret' }),
      advertisement({
        aggregationLength: 1,
        aggregationLengthV6: 1,
        localPref: 4294967295,
        communities: ['0:0', '65535:65535', 'large:4294967295:0:4294967295', 'my-alias'],
      }),
      community([{ name: 'big', value: 'large:4200000000:1:2' }]),
      bfd({
        receiveInterval: 10,
        transmitInterval: 60000,
        detectMultiplier: 255,
        echoInterval: 10,
        minimumTtl: 1,
        echoMode: true,
        passiveMode: true,
      }),
    ]) {
      const verdict = await createObject(api, object as never, { namespace, dryRun: true });
      expect({ kind: object.kind, message: verdict.message }).toEqual({ kind: object.kind, message: '' });
    }
  });

  it('keeps enableGracefulRestart immutable', async () => {
    const created = await createObject(
      api,
      { ...ibgp({ enableGracefulRestart: true }), metadata: { name: 'graceful' } },
      { namespace },
    );
    expect(created.accepted).toBe(true);
    const path = resourcePath('BGPPeer', namespace, 'graceful');
    type Peer = { spec: Record<string, unknown> };
    const current = await api.request<Peer>('GET', path);
    const latest = await api.request<Peer>('PUT', path, {
      body: { ...current, spec: { ...current.spec, holdTime: '30s' } },
    });
    const flipped = api.request('PUT', path, {
      body: { ...latest, spec: { ...latest.spec, enableGracefulRestart: false } },
    });
    await expect(flipped).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/enableGracefulRestart is immutable/),
    });
  });

  it('keeps the identity fields of a ServiceBGPStatus immutable and lists its peers', async () => {
    const created = await createObject(
      api,
      { kind: 'ServiceBGPStatus', metadata: { name: 'bgp-abc' } },
      { namespace },
    );
    expect(created.accepted).toBe(true);
    const path = resourcePath('ServiceBGPStatus', namespace, 'bgp-abc', 'status');
    const status = { node: 'node-a', serviceName: 'web', serviceNamespace: 'shop', peers: ['router-a'] };
    const first = await api.request<{ status: unknown }>('PUT', path, {
      body: { ...(created.body as object), status },
    });
    expect(first.status).toEqual(status);
    const moved = api.request('PUT', path, {
      body: { ...first, status: { ...status, serviceName: 'api', peers: [] } },
    });
    await expect(moved).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/status\.serviceName is immutable/),
    });
  });
});
