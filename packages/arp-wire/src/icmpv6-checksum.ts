/**
 * The ICMPv6 checksum (RFC 4443 section 2.3): the 16-bit one's complement of the one's complement
 * sum of the IPv6 pseudo-header (RFC 8200 section 8.1: source, destination, upper-layer length,
 * three zero bytes, next header 58) and the ICMPv6 message with its checksum field taken as zero.
 */

/** IPv6 next-header value of ICMPv6. */
export const ICMPV6_NEXT_HEADER = 58;

/**
 * Sum (unfolded) of the big-endian 16-bit words of `buf[start, end)`, two words per step. Even an
 * ICMPv6 message of 65535 bytes plus the pseudo-header sums to less than 2^32, so the caller can
 * fold with 32-bit operations.
 */
function sumWords(buf: Uint8Array, start: number, end: number): number {
  let sum = 0;
  let i = start;
  for (; i + 3 < end; i += 4) sum += ((buf[i]! << 8) | buf[i + 1]!) + ((buf[i + 2]! << 8) | buf[i + 3]!);
  if (i + 1 < end) {
    sum += (buf[i]! << 8) | buf[i + 1]!;
    i += 2;
  }
  // An odd trailing byte is padded with a zero byte (RFC 1071).
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  let folded = sum;
  while (folded > 0xffff) folded = (folded & 0xffff) + (folded >>> 16);
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
  sum += (length >>> 16) + (length & 0xffff) + ICMPV6_NEXT_HEADER;
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
