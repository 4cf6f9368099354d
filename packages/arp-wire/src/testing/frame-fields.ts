/**
 * Splits a captured frame into its protocol fields by fixed RFC offsets, for writing golden
 * vectors one field per line. Deliberately independent of the codecs under test: it only walks
 * lengths (Ethernet + up to two VLAN tags, then ARP, or IPv6 + ICMPv6 + NDP options).
 */

export type FrameField = { readonly layer: string; readonly name: string; readonly bytes: Uint8Array };

export function splitFrameFields(frame: Uint8Array): FrameField[] {
  const fields: FrameField[] = [];
  let at = 0;
  const take = (layer: string, name: string, length: number): number => {
    const end = Math.min(at + length, frame.length);
    const bytes = frame.slice(at, end);
    fields.push({ layer, name, bytes });
    at = end;
    return bytes.reduce((value, byte) => value * 256 + byte, 0);
  };
  take('ethernet', 'destination', 6);
  take('ethernet', 'source', 6);
  let type = (frame[at]! << 8) | frame[at + 1]!;
  for (let tags = 0; tags < 2 && (type === 0x8100 || type === 0x88a8); tags++) {
    take('vlan', 'tpid', 2);
    take('vlan', 'tci (priority, drop eligible, id)', 2);
    type = (frame[at]! << 8) | frame[at + 1]!;
  }
  take('ethernet', 'etherType', 2);
  if (type === 0x0806) {
    take('arp', 'hardwareType', 2);
    take('arp', 'protocolType', 2);
    take('arp', 'hardwareLength', 1);
    take('arp', 'protocolLength', 1);
    take('arp', 'operation', 2);
    take('arp', 'senderMac', 6);
    take('arp', 'senderIp', 4);
    take('arp', 'targetMac', 6);
    take('arp', 'targetIp', 4);
  } else if (type === 0x86dd) {
    take('ipv6', 'version, trafficClass, flowLabel', 4);
    const payloadLength = take('ipv6', 'payloadLength', 2);
    take('ipv6', 'nextHeader', 1);
    take('ipv6', 'hopLimit', 1);
    take('ipv6', 'source', 16);
    take('ipv6', 'destination', 16);
    const payloadEnd = Math.min(at + payloadLength, frame.length);
    take('icmpv6', 'type', 1);
    take('icmpv6', 'code', 1);
    take('icmpv6', 'checksum', 2);
    take('ndp', 'flags and reserved', 4);
    take('ndp', 'targetAddress', 16);
    while (at + 2 <= payloadEnd) {
      const units = frame[at + 1]!;
      if (units === 0) break;
      take('ndp option', 'type', 1);
      take('ndp option', 'length (8-byte units)', 1);
      take('ndp option', 'body', units * 8 - 2);
    }
  }
  if (at < frame.length) take('ethernet', 'padding', frame.length - at);
  return fields;
}
