import {
  arpFrameCodec,
  buildArpRequest,
  buildGratuitousArpRequest,
  decodeArpFrame,
  parseIpv4,
  parseMac,
} from '@baremetal-lb/arp-wire';
import { createMemoryPacketConnPair, type MemoryPacketConn } from '@baremetal-lb/packet-socket/testing';
import { describe, expect, it } from 'vitest';
import type { InterfaceInfo } from '../interfaces/interface-eligibility.ts';
import { ConflictDetector } from '../responder/conflict-detector.ts';
import { SourceRateLimiter } from '../responder/source-rate-limiter.ts';
import { ResponderSet } from './responder-set.ts';

const CLIENT_MAC = parseMac('02:00:00:00:00:99');

function request(target: string): Buffer {
  return arpFrameCodec.encode(
    buildArpRequest({
      senderMac: CLIENT_MAC,
      senderIp: parseIpv4('192.0.2.100'),
      targetIp: parseIpv4(target),
    }),
  );
}

const eth0: InterfaceInfo = {
  name: 'eth0',
  index: 2,
  mac: '02:00:00:00:00:01',
  up: true,
  loopback: false,
  noArp: false,
  ipv4: ['192.0.2.11'],
  ipv6LinkLocal: ['fe80::1'],
};

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setImmediate(r));
  expect(check()).toBe(true);
}

function setup(now = () => 0) {
  const handedOver: string[] = [];
  const clients: MemoryPacketConn[] = [];
  const joined: string[] = [];
  const outcomes: string[] = [];
  const filters: string[] = [];
  const set = new ResponderSet({
    filter: (_conn, v4, v6) => filters.push([...v4, ...v6].join(',')),
    open: async (ifi) => {
      const [mine, client] = createMemoryPacketConnPair({ ifname: ifi.name }, { ifname: `peer-${ifi.name}` });
      clients.push(client);
      return mine;
    },
    groups: {
      join: (_c, mac) => joined.push(`+${mac.toString(16)}`),
      leave: (_c, mac) => joined.push(`-${mac.toString(16)}`),
    },
    now,
    rateLimiter: new SourceRateLimiter(),
    conflicts: new ConflictDetector(),
    onOutcome: (protocol, outcome) => outcomes.push(`${protocol} ${outcome}`),
    onHandedOver: (p, mac) => handedOver.push(`${p.ip}@${p.ifname} ${mac}`),
  });
  return { set, clients, joined, outcomes, filters, handedOver };
}

describe('ResponderSet', () => {
  it('answers ARP over a packet connection for placed IPs only, and stops on removal', async () => {
    const { set, clients, outcomes } = setup();
    await set.setInterfaces([eth0]);
    expect(set.interfaces).toEqual([{ name: 'eth0', arp: true, ndp: true }]);
    const client = clients[0]!;
    const received: Buffer[] = [];
    void (async () => {
      for await (const batch of client.receive()) received.push(...batch);
    })();
    set.add({ ip: '192.0.2.10', family: 4, ifname: 'eth0' });
    client.send(request('192.0.2.10'));
    client.send(request('192.0.2.12'));
    await until(() => outcomes.length === 2);
    expect(outcomes).toEqual(['arp replied', 'arp notOurIp']);
    await until(() => received.length === 1);
    expect(decodeArpFrame(received[0]!).arp.senderIp).toBe(parseIpv4('192.0.2.10'));
    set.remove({ ip: '192.0.2.10', family: 4, ifname: 'eth0' });
    client.send(request('192.0.2.10'));
    await until(() => outcomes.length === 3);
    expect(outcomes[2]).toBe('arp notOurIp');
    await set.close();
  });

  it('keeps answering a released IP until another MAC claims it, then stops at once', async () => {
    const { set, clients, outcomes, handedOver } = setup();
    await set.setInterfaces([eth0]);
    const client = clients[0]!;
    const vip = { ip: '192.0.2.10', family: 4 as const, ifname: 'eth0' };
    set.add(vip);
    set.release(vip);
    expect(set.holds(vip.ip, 'eth0')).toBe(false);
    client.send(request(vip.ip));
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['arp replied']);
    // The new owner's gratuitous ARP.
    const newOwner = parseMac('02:00:00:00:00:0b');
    client.send(arpFrameCodec.encode(buildGratuitousArpRequest({ mac: newOwner, ip: parseIpv4(vip.ip) })));
    client.send(request(vip.ip));
    await until(() => outcomes.length === 3);
    expect(outcomes.slice(1)).toEqual(['arp handedOver', 'arp notOurIp']);
    expect(handedOver).toEqual(['192.0.2.10@eth0 02:00:00:00:00:0b']);
    await set.close();
  });

  it('hands over at once when the new owner claimed the IP just before the release', async () => {
    let now = 1000;
    const { set, clients, outcomes, handedOver } = setup(() => now);
    await set.setInterfaces([eth0]);
    const vip = { ip: '192.0.2.10', family: 4 as const, ifname: 'eth0' };
    set.add(vip);
    now += 600; // past the takeover grace: a claim now would be a conflict
    clients[0]!.send(
      arpFrameCodec.encode(
        buildGratuitousArpRequest({ mac: parseMac('02:00:00:00:00:0b'), ip: parseIpv4(vip.ip) }),
      ),
    );
    await until(() => outcomes.length === 1);
    expect(outcomes).toEqual(['arp conflict']);
    now += 10;
    set.release(vip);
    expect(handedOver).toEqual(['192.0.2.10@eth0 02:00:00:00:00:0b']);
    expect(set.holds(vip.ip, 'eth0')).toBe(false);
    // A claim long before the release is not the new owner's: release waits for a fresh one.
    set.add(vip);
    now += 600;
    clients[0]!.send(
      arpFrameCodec.encode(
        buildGratuitousArpRequest({ mac: parseMac('02:00:00:00:00:0c'), ip: parseIpv4(vip.ip) }),
      ),
    );
    await until(() => outcomes.length === 2);
    now += 600;
    set.release(vip);
    expect(handedOver).toHaveLength(1);
    await set.close();
  });

  it('joins a solicited-node group once per group and leaves it with its last IP', async () => {
    const { set, joined, filters } = setup();
    await set.setInterfaces([eth0]);
    // 2001:db8::10 and 2001:db8:1::10 share the low 24 bits, so one group.
    set.add({ ip: '2001:db8::10', family: 6, ifname: 'eth0' });
    set.add({ ip: '2001:db8:1::10', family: 6, ifname: 'eth0' });
    set.remove({ ip: '2001:db8::10', family: 6, ifname: 'eth0' });
    expect(joined).toEqual(['+3333ff000010']);
    set.remove({ ip: '2001:db8:1::10', family: 6, ifname: 'eth0' });
    expect(joined).toEqual(['+3333ff000010', '-3333ff000010']);
    expect(filters).toEqual(['2001:db8::10', '2001:db8::10,2001:db8:1::10', '2001:db8:1::10', '']);
    await set.close();
  });

  it('closes connections of interfaces that vanish and reopens changed ones', async () => {
    const { set, clients } = setup();
    await set.setInterfaces([eth0]);
    await set.setInterfaces([{ ...eth0, mac: '02:00:00:00:00:02' }]);
    expect(clients).toHaveLength(2);
    await set.setInterfaces([]);
    expect(set.interfaces).toEqual([]);
    await set.close();
  });
});
