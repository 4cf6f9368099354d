/**
 * The golden vectors: real messages from BIRD 2, FRR and GoBGP (scripts/capture-vectors.ts).
 * Every one decodes without an RFC 7606 finding and re-encodes byte for byte; named checks pin
 * the fields the scenario set on each router.
 */
import { formatIpv4, formatIpv6 } from '@baremetal-lb/arp-wire';
import { describe, expect, it } from 'vitest';
import { type BgpMessage, bgpMessageCodec } from './bgp-message.ts';
import { formatCommunity } from './community.ts';
import { endOfRibFamily } from './end-of-rib.ts';
import { MessageType } from './message-header.ts';
import { AS_TRANS, type OpenMessage, openAsn, openCapabilities } from './open-message.ts';
import { findAttribute } from './path-attribute.ts';
import { listVectors, readVector } from './testing/vector-file.ts';
import type { UpdateMessage } from './update-message.ts';

const codec = bgpMessageCodec({ fourOctetAs: true, maxMessageLength: 65535 });
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const names = listVectors();

function decoded(name: string): BgpMessage {
  return codec.decode(readVector(name));
}
function update(name: string): UpdateMessage {
  const message = decoded(name);
  if (message.type !== MessageType.update) throw new Error(`${name} is not an UPDATE`);
  return message;
}
function open(name: string): OpenMessage {
  const message = decoded(name);
  if (message.type !== MessageType.open) throw new Error(`${name} is not an OPEN`);
  return message;
}
/** Every UPDATE vector whose name starts with `prefix`. */
function updates(prefix: string): UpdateMessage[] {
  return names.filter((name) => name.startsWith(prefix)).map(update);
}

describe('golden vectors', () => {
  it('covers every message type from every router', () => {
    expect(names.length).toBeGreaterThanOrEqual(30);
    for (const router of ['bird', 'frr', 'gobgp']) {
      expect(names.filter((name) => name.startsWith(`${router}-open`))).not.toEqual([]);
      expect(names.filter((name) => name.startsWith(`${router}-update-ipv4`))).not.toEqual([]);
      expect(names.filter((name) => name.startsWith(`${router}-update-ipv6`))).not.toEqual([]);
      expect(names.filter((name) => name.startsWith(`${router}-withdraw`))).not.toEqual([]);
    }
    for (const kind of [
      'keepalive',
      'notification',
      'route-refresh-0',
      'route-refresh-1',
      'route-refresh-2',
      'eor-ipv4',
      'eor-ipv6',
    ]) {
      expect(names.some((name) => name.includes(`-${kind}`))).toBe(true);
    }
  });

  it.each(names)('%s decodes cleanly and re-encodes byte for byte', (name) => {
    const bytes = readVector(name);
    const message = codec.decode(bytes);
    if (message.type === MessageType.update) expect(message.problems).toBeUndefined();
    expect(codec.encodedLength(message)).toBe(bytes.length);
    expect(hex(codec.encode(message))).toBe(hex(bytes));
  });
});

describe('fields the scenario set', () => {
  it("BIRD's OPEN: AS_TRANS in My AS, 4200000001 in the 4-octet capability, GR, LLGR raw, extended message", () => {
    const bird = open('bird-open-1');
    expect(bird.myAs).toBe(AS_TRANS);
    expect(openAsn(bird)).toBe(4200000001);
    expect(formatIpv4(bird.bgpIdentifier)).toBe('198.51.100.1');
    expect(bird.holdTime).toBe(90);
    const kinds = openCapabilities(bird).map((c) => (c.kind === 'raw' ? `raw ${c.code}` : c.kind));
    expect(kinds).toEqual([
      'multiprotocol',
      'routeRefresh',
      'extendedMessage',
      'gracefulRestart',
      'fourOctetAs',
      'enhancedRouteRefresh',
      'raw 71',
    ]);
    expect(openCapabilities(bird).find((c) => c.kind === 'gracefulRestart')).toEqual({
      kind: 'gracefulRestart',
      restarting: false,
      notification: false,
      restartTimeSeconds: 120,
      families: [{ afi: 1, safi: 1, forwardingPreserved: false }],
    });
  });

  it("FRR's OPEN: one capability per parameter, add-path receive, R and N bits of graceful restart", () => {
    const frr = open('frr-open-1');
    expect(frr.parameters.length).toBeGreaterThan(5);
    expect(openAsn(frr)).toBe(65010);
    const capabilities = openCapabilities(frr);
    expect(capabilities).toContainEqual({ kind: 'addPath', families: [{ afi: 1, safi: 1, direction: 1 }] });
    expect(capabilities).toContainEqual({ kind: 'raw', code: 128, value: new Uint8Array(0) });
    const gr = capabilities.find((c) => c.kind === 'gracefulRestart');
    expect(gr).toMatchObject({ restarting: true, notification: true, restartTimeSeconds: 120 });
  });

  it("FRR's iBGP UPDATE to GoBGP: LOCAL_PREF 250, MED 30, 65010:300 + NO_EXPORT, large 65010:5:6", () => {
    const own = updates('frr-update-ipv4').find((u) =>
      u.nlri.some((p) => formatIpv4(p.address) === '198.18.2.0'),
    );
    if (own === undefined) throw new Error('no FRR UPDATE for 198.18.2.0/24');
    expect(findAttribute(own.attributes, 'localPref')?.localPref).toBe(250);
    expect(findAttribute(own.attributes, 'multiExitDisc')?.med).toBe(30);
    expect(findAttribute(own.attributes, 'communities')?.communities.map(formatCommunity)).toEqual([
      '65010:300',
      'noExport',
    ]);
    expect(findAttribute(own.attributes, 'largeCommunities')?.communities).toEqual([
      { globalAdministrator: 65010, localData1: 5, localData2: 6 },
    ]);
    // FRR sends AS_PATH with Extended Length even when short; kept so it re-encodes exactly.
    expect(findAttribute(own.attributes, 'asPath')?.extendedLength).toBe(true);
  });

  it("BIRD's eBGP IPv6 UPDATE: MP_REACH_NLRI with global and link-local next hop, 4-octet AS_PATH", () => {
    const bird = update('bird-update-ipv6-1');
    const reach = findAttribute(bird.attributes, 'mpReachNlri');
    if (reach?.afi !== 2) throw new Error('no IPv6 MP_REACH_NLRI');
    expect(formatIpv6(reach.nextHop)).toBe('2001:db8:100::1');
    expect(formatIpv6(reach.linkLocalNextHop!)).toMatch(/^fe80::/);
    expect(reach.nlri.map((p) => `${formatIpv6(p.address)}/${p.length}`)).toEqual(['2001:db8:a::/48']);
    expect(findAttribute(bird.attributes, 'asPath')?.segments).toEqual([{ type: 2, asns: [4200000001] }]);
    expect(bird.attributes[0]?.kind).toBe('mpReachNlri');
  });

  it("GoBGP's UPDATE: ORIGIN EGP, MED 20, LOCAL_PREF 300 on iBGP", () => {
    const own = updates('gobgp-update-ipv4').filter((u) =>
      u.nlri.some((p) => formatIpv4(p.address) === '203.0.113.128'),
    );
    expect(own.length).toBeGreaterThan(0);
    for (const u of own) {
      expect(findAttribute(u.attributes, 'origin')?.origin).toBe(1);
      expect(findAttribute(u.attributes, 'multiExitDisc')?.med).toBe(20);
    }
    expect(own.map((u) => findAttribute(u.attributes, 'localPref')?.localPref)).toContain(300);
  });

  it('withdrawals: the Withdrawn Routes field for IPv4, MP_UNREACH_NLRI for IPv6', () => {
    const v4 = updates('gobgp-withdraw-ipv4').flatMap((u) =>
      u.withdrawn.map((p) => `${formatIpv4(p.address)}/${p.length}`),
    );
    expect(v4).toContain('203.0.113.128/25');
    const v6 = updates('gobgp-withdraw-ipv6').flatMap((u) => {
      const unreach = findAttribute(u.attributes, 'mpUnreachNlri');
      return unreach?.afi === 2 ? unreach.withdrawn.map((p) => `${formatIpv6(p.address)}/${p.length}`) : [];
    });
    expect(v6).toContain('2001:db8:c::/48');
  });

  it('End-of-RIB in both forms', () => {
    expect(endOfRibFamily(update('frr-eor-ipv4-1'))).toEqual({ afi: 1, safi: 1 });
    expect(endOfRibFamily(update('frr-eor-ipv6-1'))).toEqual({ afi: 2, safi: 1 });
    expect(endOfRibFamily(update('bird-update-ipv4-1'))).toBeUndefined();
  });

  it("BIRD's enhanced route refresh (RFC 7313) and Cease with a shutdown communication (RFC 8203)", () => {
    expect(decoded('bird-route-refresh-1-1')).toMatchObject({ type: 5, subtype: 1 });
    expect(decoded('bird-route-refresh-2-1')).toMatchObject({ type: 5, subtype: 2 });
    const notification = decoded('bird-notification-6-2-1');
    if (notification.type !== MessageType.notification) throw new Error('not a NOTIFICATION');
    expect([notification.code, notification.subcode]).toEqual([6, 2]);
    expect(Buffer.from(notification.data.subarray(1)).toString()).toBe('bgp-wire capture');
  });

  it('decoded values never alias the input buffer', () => {
    const bytes = readVector('bird-update-ipv6-1');
    const before = codec.decode(bytes);
    bytes.fill(0x55, 19);
    expect(hex(codec.encode(before))).toBe(hex(readVector('bird-update-ipv6-1')));
  });
});
