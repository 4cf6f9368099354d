/** packet-socket's interface discovery → the speaker's InterfaceInfo, and the eligible subset. */
import type { NetworkInterface } from '@baremetal-lb/packet-socket';
import { type InterfaceInfo, interfaceEligibility } from '../interfaces/interface-eligibility.ts';

export function toInterfaceInfos(list: readonly NetworkInterface[]): InterfaceInfo[] {
  const kindByName = new Map(list.map((i) => [i.name, i.kind]));
  return list.map((i) => ({
    name: i.name,
    index: i.index,
    mac: i.mac,
    up: i.flags.up,
    loopback: i.flags.loopback,
    noArp: i.flags.noarp,
    masterKind: i.master === undefined ? undefined : (kindByName.get(i.master) ?? 'unknown'),
    ipv4: i.addresses.filter((a) => a.family === 4).map((a) => a.address),
    ipv6LinkLocal: i.addresses
      .filter((a) => a.family === 6 && a.scope === 'link' && !a.tentative)
      .map((a) => a.address),
  }));
}

/** Interfaces responders run on, each reduced to the protocols it is eligible for. */
export function eligibleInterfaces(
  list: readonly InterfaceInfo[],
  exclude: readonly RegExp[],
): InterfaceInfo[] {
  const out: InterfaceInfo[] = [];
  for (const i of list) {
    const e = interfaceEligibility(i, exclude);
    if (!e.arp && !e.ndp) continue;
    out.push({ ...i, ipv4: e.arp ? i.ipv4 : [], ipv6LinkLocal: e.ndp ? i.ipv6LinkLocal : [] });
  }
  return out;
}
