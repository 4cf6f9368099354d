import type { NetworkInterface } from '@baremetal-lb/packet-socket';
import { describe, expect, it } from 'vitest';
import { compileExcludePatterns } from '../interfaces/interface-eligibility.ts';
import { eligibleInterfaces, toInterfaceInfos } from './to-interface-info.ts';

const flags = {
  up: true,
  broadcast: true,
  loopback: false,
  pointToPoint: false,
  running: true,
  noarp: false,
  promiscuous: false,
  multicast: true,
  lowerUp: true,
};

function link(name: string, index: number, extra: Partial<NetworkInterface> = {}): NetworkInterface {
  return {
    name,
    index,
    mac: `02:00:00:00:00:0${index}`,
    mtu: 1500,
    flags,
    kind: undefined,
    master: undefined,
    vlanId: undefined,
    parent: undefined,
    addresses: [
      {
        family: 4,
        address: `192.0.2.${index}`,
        prefixLength: 24,
        scope: 'global',
        tentative: false,
        deprecated: false,
      },
      {
        family: 6,
        address: `fe80::${index}`,
        prefixLength: 64,
        scope: 'link',
        tentative: false,
        deprecated: false,
      },
      {
        family: 6,
        address: `2001:db8::${index}`,
        prefixLength: 64,
        scope: 'global',
        tentative: false,
        deprecated: false,
      },
    ],
    ...extra,
  };
}

describe('toInterfaceInfos / eligibleInterfaces', () => {
  it('maps addresses and the master kind, and filters by eligibility', () => {
    const list = [
      link('br0', 1, { kind: 'bridge' }),
      link('eth1', 2, { master: 'br0' }),
      link('eth0', 3),
      link('lo', 4, { flags: { ...flags, loopback: true } }),
    ];
    const infos = toInterfaceInfos(list);
    expect(infos[1]).toMatchObject({ name: 'eth1', masterKind: 'bridge' });
    expect(infos[2]).toMatchObject({ ipv4: ['192.0.2.3'], ipv6LinkLocal: ['fe80::3'] });
    const eligible = eligibleInterfaces(infos, compileExcludePatterns(['^lo$']));
    expect(eligible.map((i) => i.name)).toEqual(['br0', 'eth0']);
  });

  it('ignores a tentative link-local address', () => {
    const l = link('eth0', 3);
    const tentative = {
      ...l,
      addresses: l.addresses.map((a) => (a.scope === 'link' ? { ...a, tentative: true } : a)),
    };
    expect(toInterfaceInfos([tentative])[0]?.ipv6LinkLocal).toEqual([]);
  });
});
