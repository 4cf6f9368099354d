/**
 * Whatever BGP objects arrive, buildConfiguration returns data and never throws, and what it uses
 * is consistent: no used peer or advertisement has an error; peers on one node agree on router ID,
 * myASN per VRF and targets; advertisements name only used pools and peers, carry only
 * well-formed communities, and never send one pool with two localPrefs to a shared peer and node.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConfiguration } from './build-configuration.ts';
import { ConfigProblemCode } from './config-problem.ts';
import { parseCommunity } from './parse-community.ts';

const numRuns = process.env.FUZZ === '1' ? 20_000 : 300;

const name = fc.constantFrom('a', 'b', 'c');
const created = fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');
const labels = fc.dictionary(fc.constantFrom('rack', 'zone'), fc.constantFrom('x', 'y'), { maxKeys: 2 });
const selector = fc.oneof(fc.record({ matchLabels: labels }), fc.anything());
const selectors = fc.array(selector, { maxLength: 2 });
const asn = fc.oneof(
  fc.constantFrom(64512, 64513, 4200000000),
  fc.integer({ min: -1, max: 2 ** 33 }),
  fc.anything(),
);
const duration = fc.oneof(
  fc.constantFrom('0s', '2s', '3s', '90s', '9m0s', '1500ms', '1h'),
  fc.string({ maxLength: 6 }),
);
const address = fc.oneof(
  fc.constantFrom('198.51.100.1', '198.51.100.2', '2001:db8::1', 'router'),
  fc.anything(),
);
const communityText = fc.oneof(
  fc.constantFrom('65535:65282', '65536:1', 'large:1:2:3', 'large:1:2', 'no-advertise', 'x', 'y'),
  fc.string({ maxLength: 10 }),
);

const meta = fc.record({ name, creationTimestamp: created }, { requiredKeys: ['name'] });
const labelSelectors = fc.array(fc.record({ matchLabels: labels }), { maxLength: 2 });
// Mostly well-formed objects, so that the cross-object rules get exercised; some malformed ones.
const wellFormedPeer = fc.record({
  metadata: meta,
  spec: fc.record(
    {
      myASN: fc.constantFrom(64512, 64513),
      peerASN: fc.constantFrom(64512, 64513, 4200000000),
      peerAddress: fc.constantFrom('198.51.100.1', '198.51.100.2'),
      routerID: fc.constantFrom('198.51.100.9', '198.51.100.10'),
      vrf: fc.constantFrom('', 'red'),
      nodeSelectors: labelSelectors,
      holdTime: fc.constantFrom('0s', '3s', '90s'),
      bfdProfile: fc.constantFrom('fast', 'missing'),
      passwordSecret: fc.record({ name: fc.constantFrom('auth', 'missing') }),
    },
    { requiredKeys: ['myASN', 'peerASN', 'peerAddress'] },
  ),
});
const anyPeer = fc.record({
  metadata: meta,
  spec: fc.record(
    {
      myASN: asn,
      peerASN: asn,
      dynamicASN: fc.constantFrom('internal', 'external', 'other'),
      peerAddress: address,
      interface: fc.constantFrom('eth0'),
      routerID: fc.constantFrom('198.51.100.9', '2001:db8::9'),
      peerPort: fc.integer({ min: -1, max: 20_000 }),
      holdTime: duration,
      keepaliveTime: duration,
      connectTime: duration,
      nodeSelectors: selectors,
      password: fc.string({ maxLength: 4 }),
      passwordSecret: fc.anything(),
      ebgpMultiHop: fc.oneof(fc.boolean(), fc.anything()),
    },
    { requiredKeys: [] },
  ),
});
const peerObject = fc.oneof(
  { arbitrary: wellFormedPeer, weight: 4 },
  { arbitrary: anyPeer, weight: 1 },
  { arbitrary: fc.anything(), weight: 1 },
);
const wellFormedAdvertisement = fc.record({
  metadata: meta,
  spec: fc.record(
    {
      aggregationLength: fc.constantFrom(24, 32),
      localPref: fc.integer({ min: 0, max: 2 }),
      communities: fc.array(fc.constantFrom('65535:65282', 'large:1:2:3', 'x'), { maxLength: 1 }),
      ipAddressPools: fc.array(fc.constantFrom('p4', 'p6'), { maxLength: 2 }),
      nodeSelectors: labelSelectors,
      peers: fc.array(name, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  ),
});
const anyAdvertisement = fc.record({
  metadata: meta,
  spec: fc.record(
    {
      aggregationLength: fc.integer({ min: -1, max: 33 }),
      aggregationLengthV6: fc.integer({ min: 0, max: 129 }),
      localPref: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.anything()),
      communities: fc.array(communityText, { maxLength: 3 }),
      ipAddressPools: fc.array(fc.constantFrom('p4', 'p6', 'missing'), { maxLength: 2 }),
      nodeSelectors: selectors,
      peers: fc.array(fc.oneof(name, fc.anything()), { maxLength: 2 }),
      serviceSelectors: selectors,
    },
    { requiredKeys: [] },
  ),
});
const advertisementObject = fc.oneof(
  { arbitrary: wellFormedAdvertisement, weight: 8 },
  { arbitrary: anyAdvertisement, weight: 1 },
  { arbitrary: fc.anything(), weight: 1 },
);
const communityObject = fc.oneof(
  fc.record({
    metadata: meta,
    spec: fc.record({
      communities: fc.array(fc.record({ name: fc.constantFrom('x', 'y', ''), value: communityText }), {
        maxLength: 3,
      }),
    }),
  }),
  fc.anything(),
);
const bfdObject = fc.oneof(
  fc.record({
    metadata: fc.record({ name: fc.constantFrom('fast', 'slow') }),
    spec: fc.record(
      {
        receiveInterval: fc.integer({ min: 0, max: 70_000 }),
        detectMultiplier: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.anything()),
      },
      { requiredKeys: [] },
    ),
  }),
  fc.anything(),
);
const node = fc.record({ metadata: fc.record({ name: fc.constantFrom('n1', 'n2'), labels }) });
const nodes = fc.uniqueArray(node, { maxLength: 2, selector: (n) => n.metadata.name });
const pools = [
  { metadata: { name: 'p4' }, spec: { addresses: ['198.51.100.0/24'] } },
  { metadata: { name: 'p6' }, spec: { addresses: ['2001:db8::/120'] } },
];
const secrets = [
  {
    metadata: { name: 'auth', namespace: 'metallb-system' },
    type: 'kubernetes.io/basic-auth',
    data: { password: 'eA==' },
  },
];

describe('buildConfiguration on arbitrary BGP objects', () => {
  it('never throws and keeps what it uses consistent', () => {
    fc.assert(
      fc.property(
        fc.array(peerObject, { maxLength: 4 }),
        fc.array(advertisementObject, { maxLength: 4 }),
        fc.array(communityObject, { maxLength: 2 }),
        fc.array(bfdObject, { maxLength: 2 }),
        nodes,
        (bgpPeers, bgpAdvertisements, communities, bfdProfiles, nodes) => {
          const config = buildConfiguration({
            pools,
            bgpPeers,
            bgpAdvertisements,
            communities,
            bfdProfiles,
            nodes,
            secrets,
          } as never);
          const errored = new Set(
            config.problems
              .filter((p) => p.severity === 'error' && p.code !== ConfigProblemCode.duplicateName)
              .map((p) => `${p.object.kind}/${p.object.name}`),
          );
          const peerNames = new Set(config.bgpPeers.map((peer) => peer.name));
          for (const peer of config.bgpPeers) {
            expect(errored.has(`BGPPeer/${peer.name}`)).toBe(false);
            expect(Number.isInteger(peer.myASN)).toBe(true);
            expect((peer.peerAddress === undefined) !== (peer.interface === undefined)).toBe(true);
            expect(peer.keepaliveTimeMs).toBeLessThanOrEqual(peer.holdTimeMs);
          }
          for (const nodeName of ['n1', 'n2']) {
            const running = config.bgpPeers.filter((peer) => peer.nodes.includes(nodeName));
            expect(new Set(running.map((peer) => peer.routerID ?? '')).size).toBeLessThanOrEqual(1);
            for (const vrf of new Set(running.map((peer) => peer.vrf))) {
              const inVrf = running.filter((peer) => peer.vrf === vrf);
              expect(new Set(inVrf.map((peer) => peer.myASN)).size).toBe(1);
              const targets = inVrf.map((peer) => `${peer.peerAddress ?? peer.interface}:${peer.peerPort}`);
              expect(new Set(targets).size).toBe(targets.length);
            }
          }
          for (const advertisement of config.bgpAdvertisements) {
            expect(errored.has(`BGPAdvertisement/${advertisement.name}`)).toBe(false);
            for (const pool of advertisement.pools) expect(['p4', 'p6']).toContain(pool);
            for (const peer of advertisement.peers) expect(peerNames.has(peer)).toBe(true);
            for (const value of advertisement.communities)
              expect(parseCommunity(value)).toEqual({ type: 'standard', value });
            for (const value of advertisement.largeCommunities)
              expect(parseCommunity(`large:${value}`)).toEqual({ type: 'large', value });
          }
          const plain = config.bgpAdvertisements.filter((a) => a.serviceSelectors.length === 0);
          for (const a of plain) {
            for (const b of plain) {
              if (a === b || (a.localPref ?? 0) === (b.localPref ?? 0)) continue;
              const sharedPeer = a.allPeers || b.allPeers || a.peers.some((p) => b.peers.includes(p));
              const sharedNode = a.nodes.some((n) => b.nodes.includes(n));
              const sameLength = a.aggregationLength === b.aggregationLength;
              if (sharedPeer && sharedNode && sameLength)
                expect(a.pools.filter((p) => p === 'p4' && b.pools.includes(p))).toEqual([]);
            }
          }
          for (const problem of config.problems) expect(typeof problem.message).toBe('string');
        },
      ),
      { numRuns },
    );
  });
});
