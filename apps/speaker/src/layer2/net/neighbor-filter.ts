/**
 * The speaker's socket filters. Both keep only untagged ARP (requests, and replies for conflict
 * detection) and ICMPv6 Neighbor Solicitations and Advertisements (hop limit 255, RFC 4861 7.1).
 * `announcedFilter` further keeps only frames about the addresses announced on the interface, so
 * a speaker that announces nothing (every node but the elected one) never wakes up for the
 * segment's ARP traffic; past a few dozen addresses it falls back to `neighborFilter`.
 * (packet-socket's stock filters take requests only; conflict detection needs the answers too.)
 *
 *   offset 12: EtherType (0x0806 ARP, 0x86dd IPv6)
 *   offset 28: ARP sender protocol address   offset 38: ARP target protocol address
 *   offset 20: IPv6 next header (58, ICMPv6) and hop limit (255)
 *   offset 54: ICMPv6 type (135 NS, 136 NA)  offset 62: NS/NA target address (16 bytes)
 */
import { parseIpv4, parseIpv6 } from '@baremetal-lb/arp-wire';
import {
  accept,
  assemble,
  BpfAncillary,
  type BpfProgram,
  type BpfStep,
  drop,
  jumpIfEqual,
  label,
  load,
  loadAncillary,
} from '@baremetal-lb/packet-socket';

/**
 * Classic BPF jumps reach 255 instructions: each IPv4 address costs 2, each IPv6 address 8, and
 * a conditional jump must clear a whole section. Above these counts the generic filter is used.
 */
const maxIpv4PerFilter = 100;
const maxIpv6PerFilter = 25;

// Every drop and accept sits right after the checks that reach it: jumps only go forward and at
// most 255 instructions, so no jump may cross the address sections.

function header(): BpfStep[] {
  // Tagged frames belong to a VLAN interface's own socket, never to the parent's.
  return [
    loadAncillary(BpfAncillary.vlanTagPresent),
    jumpIfEqual(0, 'untagged', 'next'),
    drop(),
    label('untagged'),
    load('half', 12),
  ];
}

/** IPv6 ICMPv6 NS or NA with hop limit 255 continues at label `nd`; anything else is dropped. */
function ipv6Start(): BpfStep[] {
  return [
    label('ipv6'),
    jumpIfEqual(0x86dd, 'next', 'notNd'),
    load('half', 20),
    jumpIfEqual((58 << 8) | 255, 'next', 'notNd'),
    load('byte', 54),
    jumpIfEqual(135, 'nd', 'next'),
    jumpIfEqual(136, 'nd', 'notNd'),
    label('notNd'),
    drop(),
    label('nd'),
  ];
}

/** Every untagged ARP frame and every NS/NA. */
export function neighborFilter(): BpfProgram {
  return assemble([
    ...header(),
    jumpIfEqual(0x0806, 'accept', 'ipv6'),
    ...ipv6Start(),
    label('accept'),
    accept(),
  ]);
}

/** ARP whose sender or target is one of `ipv4`; NS/NA whose target is one of `ipv6`. */
export function announcedFilter(ipv4: readonly string[], ipv6: readonly string[]): BpfProgram {
  if (ipv4.length > maxIpv4PerFilter || ipv6.length > maxIpv6PerFilter) return neighborFilter();
  const v4 = ipv4.map(parseIpv4);
  const steps: BpfStep[] = [...header(), jumpIfEqual(0x0806, 'next', 'ipv6')];
  for (const offset of [28, 38]) {
    steps.push(load('word', offset));
    for (const ip of v4) steps.push(jumpIfEqual(ip, 'acceptArp', 'next'));
  }
  steps.push(drop(), label('acceptArp'), accept());
  steps.push(...ipv6Start());
  ipv6.map(parseIpv6).forEach((address, i) => {
    const view = new DataView(address.buffer, address.byteOffset, 16);
    for (let word = 0; word < 4; word++) {
      steps.push(load('word', 62 + 4 * word));
      const last = word === 3;
      steps.push(jumpIfEqual(view.getUint32(4 * word), last ? 'acceptNd' : 'next', `skip${i}`));
    }
    steps.push(label(`skip${i}`));
  });
  steps.push(drop(), label('acceptNd'), accept());
  return assemble(steps);
}
