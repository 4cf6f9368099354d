/**
 * The speaker's socket filter: untagged ARP (requests, and replies for conflict detection) and
 * ICMPv6 Neighbor Solicitations and Advertisements (hop limit 255, RFC 4861 7.1). Everything else
 * stays in the kernel. (packet-socket's stock filters take requests only; we need the answers too.)
 *
 *   offset 12: EtherType (0x0806 ARP, 0x86dd IPv6)
 *   offset 20: IPv6 next header (58, ICMPv6) and hop limit (255)
 *   offset 54: ICMPv6 type (135 NS, 136 NA)
 */
import {
  accept,
  assemble,
  BpfAncillary,
  type BpfProgram,
  drop,
  jumpIfEqual,
  label,
  load,
  loadAncillary,
} from '@baremetal-lb/packet-socket';

export function neighborFilter(): BpfProgram {
  return assemble([
    // Tagged frames belong to a VLAN interface's own socket, never to the parent's.
    loadAncillary(BpfAncillary.vlanTagPresent),
    jumpIfEqual(1, 'drop', 'next'),
    load('half', 12),
    jumpIfEqual(0x0806, 'accept', 'next'),
    jumpIfEqual(0x86dd, 'next', 'drop'),
    load('half', 20),
    jumpIfEqual((58 << 8) | 255, 'next', 'drop'),
    load('byte', 54),
    jumpIfEqual(135, 'accept', 'next'),
    jumpIfEqual(136, 'accept', 'drop'),
    label('drop'),
    drop(),
    label('accept'),
    accept(),
  ]);
}
