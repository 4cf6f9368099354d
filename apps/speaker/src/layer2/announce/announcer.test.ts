import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../testing/fake-clock.ts';
import type { Announcement } from '../election/desired-announcements.ts';
import { Announcer, type AnnounceTarget, type Placement, type ResponderInterface } from './announcer.ts';

function recorder() {
  const log: string[] = [];
  const target: AnnounceTarget = {
    add: (p: Placement) => log.push(`add ${p.ip}@${p.ifname}`),
    remove: (p: Placement) => log.push(`remove ${p.ip}@${p.ifname}`),
    release: (p: Placement) => log.push(`release ${p.ip}@${p.ifname}`),
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
    expect(diff).toEqual({ added: [], removed: [], releasing: [] });
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

  it('hands an IP another node owns over make-before-break: answered until the claim, then gone', async () => {
    const clock = new FakeClock();
    const { log, target } = recorder();
    const released: string[] = [];
    const a = new Announcer(target, clock, undefined, {
      timeoutMs: 2500,
      onReleased: (r) => released.push(`${r.placement.ip} ${r.by === 'claim' ? r.mac : 'timeout'}`),
    });
    a.apply(desired(v4), [ifaces[0]!]);
    log.length = 0;
    const diff = a.apply(desired(), [ifaces[0]!], (ip) => ip === v4.ip);
    expect(diff.removed).toEqual([]);
    expect(diff.releasing).toEqual([{ ip: v4.ip, family: 4, ifname: 'eth0' }]);
    expect(log).toEqual(['release 192.0.2.10@eth0']);
    expect(a.releasing).toHaveLength(1);
    let settled = false;
    const settling = a.settled().then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    a.handedOver(diff.releasing[0]!, '02:00:00:00:00:0b');
    await settling;
    expect(released).toEqual(['192.0.2.10 02:00:00:00:00:0b']);
    // The claim ended it: no late remove from the timeout, and no second report.
    clock.advance(10_000);
    a.handedOver(diff.releasing[0]!, '02:00:00:00:00:0b');
    expect(log).toEqual(['release 192.0.2.10@eth0']);
    expect(released).toHaveLength(1);
  });

  it('stops answering after the hand-over timeout when no claim is seen', () => {
    const clock = new FakeClock();
    const { log, target } = recorder();
    const released: string[] = [];
    const a = new Announcer(target, clock, undefined, {
      timeoutMs: 2500,
      onReleased: (r) => released.push(r.by),
    });
    a.apply(desired(v4), [ifaces[0]!]);
    log.length = 0;
    a.apply(desired(), [ifaces[0]!], () => true);
    clock.advance(2499);
    expect(log).toEqual(['release 192.0.2.10@eth0']);
    clock.advance(1);
    expect(log).toEqual(['release 192.0.2.10@eth0', 'remove 192.0.2.10@eth0']);
    expect(released).toEqual(['timeout']);
  });

  it('takes a released IP back before the claim: answered again, with a new burst and no timeout', () => {
    const clock = new FakeClock();
    const { log, target } = recorder();
    const a = new Announcer(target, clock);
    a.apply(desired(v4), [ifaces[0]!]);
    a.apply(desired(), [ifaces[0]!], () => true);
    log.length = 0;
    expect(a.apply(desired(v4), [ifaces[0]!]).added).toHaveLength(1);
    expect(log).toEqual(['add 192.0.2.10@eth0', 'garp 192.0.2.10@eth0']);
    expect(a.releasing).toEqual([]);
    clock.advance(10_000);
    expect(log.filter((l) => l.startsWith('remove'))).toEqual([]);
  });

  it('withdraws at once, without a hand-over, when nobody else owns the IP or its interface went', () => {
    const { log, target } = recorder();
    const a = new Announcer(target, new FakeClock());
    a.apply(desired(v4), [ifaces[0]!, ifaces[1]!]);
    log.length = 0;
    const diff = a.apply(desired(), [ifaces[1]!], (ip) => ip === v4.ip);
    expect(log).toEqual(['remove 192.0.2.10@eth0', 'release 192.0.2.10@eth1']);
    expect(diff.removed).toHaveLength(1);
    a.apply(desired(v6), ifaces, () => false);
    log.length = 0;
    a.apply(desired(), ifaces, () => false);
    expect(log).toEqual(['remove 2001:db8::10@eth1']);
  });

  it('clear withdraws everything', () => {
    const { target } = recorder();
    const a = new Announcer(target, new FakeClock());
    a.apply(desired(v4, v6), ifaces);
    a.apply(desired(v6), ifaces, () => true);
    expect(a.releasing).toHaveLength(2);
    expect(a.clear().removed).toHaveLength(1);
    expect(a.placements).toEqual([]);
    expect(a.releasing).toEqual([]);
  });
});
