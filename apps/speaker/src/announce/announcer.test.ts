import { describe, expect, it } from 'vitest';
import type { Announcement } from '../election/desired-announcements.ts';
import { FakeClock } from '../testing/fake-clock.ts';
import { Announcer, type AnnounceTarget, type Placement, type ResponderInterface } from './announcer.ts';

function recorder() {
  const log: string[] = [];
  const target: AnnounceTarget = {
    add: (p: Placement) => log.push(`add ${p.ip}@${p.ifname}`),
    remove: (p: Placement) => log.push(`remove ${p.ip}@${p.ifname}`),
    sendGratuitous: (p: Placement) => log.push(`garp ${p.ip}@${p.ifname}`),
  };
  return { log, target };
}

function desired(...as: Announcement[]): Map<string, Announcement> {
  return new Map(as.map((a) => [a.ip, a]));
}

const v4: Announcement = { ip: '192.0.2.10', family: 4, interfaces: 'all', services: ['default/web'] };
const v6: Announcement = { ip: '2001:db8::10', family: 6, interfaces: ['eth1'], services: ['default/web'] };
const ifaces: ResponderInterface[] = [
  { name: 'eth0', arp: true, ndp: true },
  { name: 'eth1', arp: true, ndp: true },
  { name: 'eth2', arp: false, ndp: true },
];

describe('Announcer', () => {
  it('places each IP on the eligible interfaces of its family and selection, with a gratuitous burst', () => {
    const clock = new FakeClock();
    const { log, target } = recorder();
    const a = new Announcer(target, clock);
    const diff = a.apply(desired(v4, v6), ifaces);
    expect(diff.added.map((p) => `${p.ip}@${p.ifname}`)).toEqual([
      '192.0.2.10@eth0',
      '192.0.2.10@eth1',
      '2001:db8::10@eth1',
    ]);
    expect(log.filter((l) => l.startsWith('garp'))).toHaveLength(3);
    clock.advance(5000);
    expect(log.filter((l) => l.startsWith('garp'))).toHaveLength(15);
  });

  it('is idempotent: the same input changes nothing', () => {
    const { log, target } = recorder();
    const a = new Announcer(target, new FakeClock());
    a.apply(desired(v4), ifaces);
    const before = log.length;
    const diff = a.apply(desired(v4), ifaces);
    expect(diff).toEqual({ added: [], removed: [] });
    expect(log.length).toBe(before);
  });

  it('withdraws at once and cancels the rest of the burst when the IP is lost', () => {
    const clock = new FakeClock();
    const { log, target } = recorder();
    const a = new Announcer(target, clock);
    a.apply(desired(v4), [ifaces[0]!]);
    clock.advance(1200);
    a.apply(desired(), [ifaces[0]!]);
    log.length = 0;
    clock.advance(10_000);
    expect(log).toEqual([]);
    expect(a.announcedIps.size).toBe(0);
  });

  it('moves with the interface list: a new interface gets its own burst, a vanished one is withdrawn', () => {
    const { log, target } = recorder();
    const a = new Announcer(target, new FakeClock());
    a.apply(desired(v4), [ifaces[0]!]);
    log.length = 0;
    a.apply(desired(v4), [ifaces[1]!]);
    expect(log).toEqual(['remove 192.0.2.10@eth0', 'add 192.0.2.10@eth1', 'garp 192.0.2.10@eth1']);
  });

  it('clear withdraws everything', () => {
    const { target } = recorder();
    const a = new Announcer(target, new FakeClock());
    a.apply(desired(v4, v6), ifaces);
    expect(a.clear().removed).toHaveLength(3);
    expect(a.placements).toEqual([]);
  });
});
