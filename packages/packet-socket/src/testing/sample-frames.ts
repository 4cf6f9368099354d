/**
 * Hand-built frames for the tests and the benchmark (this package does not depend on the codec
 * package). Each builder writes the fields a BPF filter looks at; everything else is zero.
 */

export type FrameOptions = {
  readonly source?: Uint8Array;
  readonly destination?: Uint8Array;
  /** Insert an 802.1Q tag with this VLAN ID. */
  readonly vlan?: number;
  /** Extra bytes written after the headers (to tell frames apart). */
  readonly marker?: number;
};

const broadcast = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
const defaultSource = new Uint8Array([0x02, 0x00, 0x00, 0x00, 0x00, 0x01]);

function ethernet(
  etherType: number,
  payload: Buffer,
  options: FrameOptions,
  destination = broadcast,
): Buffer {
  const tag =
    options.vlan === undefined
      ? Buffer.alloc(0)
      : Buffer.from([0x81, 0x00, (options.vlan >> 8) & 0x0f, options.vlan & 0xff]);
  const header = Buffer.concat([
    Buffer.from(options.destination ?? destination),
    Buffer.from(options.source ?? defaultSource),
    tag,
    Buffer.from([etherType >> 8, etherType & 0xff]),
  ]);
  const frame = Buffer.concat([header, payload]);
  // Pad to the 60-byte minimum (IEEE 802.3 without FCS).
  return frame.length >= 60 ? frame : Buffer.concat([frame, Buffer.alloc(60 - frame.length)]);
}

/** RFC 826 packet for IPv4 over Ethernet; operation 1 = request, 2 = reply. */
export function sampleArp(operation: 1 | 2, options: FrameOptions = {}, targetIp = [192, 0, 2, 99]): Buffer {
  const arp = Buffer.alloc(28);
  arp.writeUInt16BE(1, 0);
  arp.writeUInt16BE(0x0800, 2);
  arp[4] = 6;
  arp[5] = 4;
  arp.writeUInt16BE(operation, 6);
  Buffer.from(options.source ?? defaultSource).copy(arp, 8);
  Buffer.from([192, 0, 2, 1]).copy(arp, 14);
  Buffer.from(targetIp).copy(arp, 24);
  const marked =
    options.marker === undefined
      ? arp
      : Buffer.concat([arp, Buffer.from([options.marker >> 8, options.marker & 0xff])]);
  return ethernet(0x0806, marked, options);
}

/** IPv6 + ICMPv6 with `icmpType` (135 = Neighbor Solicitation, 136 = Advertisement). */
export function sampleIcmpv6(
  icmpType: number,
  options: FrameOptions & { readonly hopLimit?: number } = {},
): Buffer {
  const packet = Buffer.alloc(40 + 24 + 2);
  packet[0] = 0x60;
  packet.writeUInt16BE(24, 4);
  packet[6] = 58;
  packet[7] = options.hopLimit ?? 255;
  packet[40] = icmpType;
  packet.writeUInt16BE(options.marker ?? 0, 64);
  // Solicited-node multicast MAC for the target (RFC 2464, section 7).
  const destination = new Uint8Array([0x33, 0x33, 0xff, 0x00, 0x00, 0x99]);
  return ethernet(0x86dd, packet, options, destination);
}

/** An IPv4 frame (not ARP) with a marker, as background traffic. */
export function sampleIpv4(options: FrameOptions = {}): Buffer {
  const packet = Buffer.alloc(20 + 8);
  packet[0] = 0x45;
  packet.writeUInt16BE(options.marker ?? 0, 20);
  return ethernet(0x0800, packet, options);
}
