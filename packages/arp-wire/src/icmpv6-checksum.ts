/**
 * The ICMPv6 checksum (RFC 4443 section 2.3): the 16-bit one's complement of the one's complement
 * sum of the IPv6 pseudo-header (RFC 8200 section 8.1: source, destination, upper-layer length,
 * three zero bytes, next header 58) and the ICMPv6 message with its checksum field taken as zero.
 */

/** IPv6 next-header value of ICMPv6. */
export const ICMPV6_NEXT_HEADER = 58;

/** One's complement sum (unfolded) of the big-endian 16-bit words of `buf[start, end)`. */
function sumWords(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  // An odd trailing byte is padded with a zero byte (RFC 1071).
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + Math.floor(folded / 0x10000);
  return folded;
}

/**
 * The checksum of the ICMPv6 message at `buf[messageStart, messageEnd)` whose IPv6 source and
 * destination addresses sit at `addressesOffset` (32 bytes, as in an IPv6 header), skipping the
 * checksum field at `messageStart + 2`.
 */
export function computeIcmpv6Checksum(
  buf: Uint8Array,
  addressesOffset: number,
  messageStart: number,
  messageEnd: number,
): number {
  const length = messageEnd - messageStart;
  let sum = sumWords(buf, addressesOffset, addressesOffset + 32);
  sum += Math.floor(length / 0x10000) + (length & 0xffff) + ICMPV6_NEXT_HEADER;
  sum += sumWords(buf, messageStart, messageStart + 2);
  sum += sumWords(buf, messageStart + 4, messageEnd);
  return ~fold(sum) & 0xffff;
}

/**
 * Whether `stored` is a correct checksum for a message whose computed checksum is `computed`.
 * 0x0000 and 0xffff are the two one's complement encodings of zero, so a sum that folds to
 * 0xffff with the stored field included is valid either way.
 */
export function isValidIcmpv6Checksum(stored: number, computed: number): boolean {
  return fold((~computed & 0xffff) + stored) === 0xffff;
}
