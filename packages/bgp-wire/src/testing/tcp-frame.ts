/**
 * Wraps one BGP message in an Ethernet + IPv4 + TCP frame to port 179, so tshark's BGP dissector
 * can read bytes this package encoded. Each frame gets its own source port (its own TCP stream),
 * so tshark dissects each message alone. Checksums are left zero: tshark does not verify them
 * by default.
 */

/** 198.51.100.1 -> 198.51.100.2, documentation addresses. */
const SOURCE_IP = [198, 51, 100, 1];
const DESTINATION_IP = [198, 51, 100, 2];

export function wrapInTcpFrame(message: Uint8Array, sourcePort: number): Uint8Array {
  const frame = new Uint8Array(14 + 20 + 20 + message.length);
  frame.set([0x00, 0x00, 0x5e, 0x00, 0x53, 0x02, 0x00, 0x00, 0x5e, 0x00, 0x53, 0x01, 0x08, 0x00]);
  const ipLength = 40 + message.length;
  // IPv4: version 4, IHL 5, total length, TTL 64, protocol 6 (TCP).
  frame.set([0x45, 0, ipLength >>> 8, ipLength & 0xff, 0, 0, 0x40, 0, 64, 6, 0, 0], 14);
  frame.set(SOURCE_IP, 26);
  frame.set(DESTINATION_IP, 30);
  // TCP: ports, sequence 1, ack 1, data offset 5, flags PSH+ACK, window 65535.
  frame.set(
    [sourcePort >>> 8, sourcePort & 0xff, 0, 179, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff],
    34,
  );
  frame.set(message, 54);
  return frame;
}
