/**
 * The classic BPF programs the speaker needs: ARP requests (RFC 826) and ICMPv6 Neighbor
 * Solicitations (RFC 4861, section 4.3), untagged or from one 802.1Q VLAN.
 *
 * VLAN tags: on receive the kernel normally moves the 802.1Q tag out of the frame into metadata
 * before packet sockets (and their filters) see it, so a filter reads the tag through the
 * ancillary loads. Frames whose tag is still in place (the kernel did not untag them) are
 * matched too, with the payload 4 bytes further on. Without `vlan`, tagged frames are dropped,
 * so a socket on a trunk port never answers for the wrong VLAN.
 */
import { InvalidArgumentError } from '../packet-socket-error.ts';
import {
  accept,
  and,
  assemble,
  type BpfStep,
  drop,
  jumpIfEqual,
  label,
  load,
  loadAncillary,
} from './bpf-assembler.ts';
import { BpfAncillary, type BpfProgram } from './bpf-instruction.ts';

export type FilterOptions = {
  /** Accept only frames tagged with this 802.1Q VLAN ID (1-4094); default: untagged only. */
  readonly vlan?: number;
};

const etherTypeVlan = 0x8100;
const etherTypeArp = 0x0806;
const etherTypeIpv6 = 0x86dd;
const vlanIdMask = 0x0fff;

/** The checks after the Ethernet header, given where the EtherType sits (12 or 16). */
type PayloadCheck = (etherTypeOffset: number) => BpfStep[];

/**
 *   2 bytes: hardware type (1, Ethernet)      at payload + 0
 *   2 bytes: protocol type (0x0800, IPv4)     at payload + 2
 *   1 byte : hardware address length (6)      at payload + 4
 *   1 byte : protocol address length (4)      at payload + 5
 *   2 bytes: operation (1, request)           at payload + 6
 */
const arpRequest: PayloadCheck = (etherTypeOffset) => {
  const payload = etherTypeOffset + 2;
  return [
    load('half', etherTypeOffset),
    jumpIfEqual(etherTypeArp, 'next', 'drop'),
    load('word', payload),
    jumpIfEqual(0x0001_0800, 'next', 'drop'),
    load('half', payload + 4),
    jumpIfEqual(0x0604, 'next', 'drop'),
    load('half', payload + 6),
    jumpIfEqual(1, 'accept', 'drop'),
  ];
};

/**
 * IPv6 header (40 bytes; next header at +6, hop limit at +7), then ICMPv6 type at +40.
 * Neighbor Solicitations carry no extension headers in practice; the hop limit must be 255
 * (RFC 4861, 7.1.1), so anything else cannot be a valid NS and is dropped here already.
 */
const neighborSolicitation: PayloadCheck = (etherTypeOffset) => {
  const payload = etherTypeOffset + 2;
  return [
    load('half', etherTypeOffset),
    jumpIfEqual(etherTypeIpv6, 'next', 'drop'),
    load('half', payload + 6),
    jumpIfEqual((58 << 8) | 255, 'next', 'drop'),
    load('byte', payload + 40),
    jumpIfEqual(135, 'accept', 'drop'),
  ];
};

function checkVlan(vlan: number | undefined): void {
  if (vlan !== undefined && (!Number.isInteger(vlan) || vlan < 1 || vlan > 4094)) {
    throw new InvalidArgumentError('vlan', `${vlan} is not a VLAN ID (1-4094)`);
  }
}

/** Wraps a payload check with the untagged / tagged-in-metadata / tagged-in-place dispatch. */
function withVlan(check: PayloadCheck, options: FilterOptions): BpfProgram {
  const { vlan } = options;
  checkVlan(vlan);
  const steps: BpfStep[] = [
    loadAncillary(BpfAncillary.vlanTagPresent),
    jumpIfEqual(1, 'metadataTag', 'next'),
  ];
  steps.push(load('half', 12), jumpIfEqual(etherTypeVlan, 'inlineTag', 'next'));
  if (vlan === undefined) {
    steps.push(...check(12), label('metadataTag'), label('inlineTag'), drop());
  } else {
    steps.push(
      drop(),
      label('inlineTag'),
      load('half', 14),
      and(vlanIdMask),
      jumpIfEqual(vlan, 'next', 'drop'),
      ...check(16),
      label('metadataTag'),
      loadAncillary(BpfAncillary.vlanTag),
      and(vlanIdMask),
      jumpIfEqual(vlan, 'next', 'drop'),
      ...check(12),
    );
  }
  steps.push(label('drop'), drop(), label('accept'), accept());
  return assemble(steps);
}

/** Accepts ARP requests for IPv4 over Ethernet; see FilterOptions for VLANs. */
export function arpRequestFilter(options: FilterOptions = {}): BpfProgram {
  return withVlan(arpRequest, options);
}

/** Accepts ICMPv6 Neighbor Solicitations (hop limit 255); see FilterOptions for VLANs. */
export function neighborSolicitationFilter(options: FilterOptions = {}): BpfProgram {
  return withVlan(neighborSolicitation, options);
}

/** Accepts every frame (a socket without a filter does the same; handy to reset one). */
export function acceptAllFilter(): BpfProgram {
  return assemble([accept()]);
}

/** Drops every frame. */
export function dropAllFilter(): BpfProgram {
  return assemble([drop()]);
}
