/**
 * struct sockaddr_in / sockaddr_in6 as bytes (netinet/in.h): family in host byte order (Linux is
 * little-endian on every architecture Node ships for, but we ask os.endianness), port and address
 * in network byte order.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { endianness } from 'node:os';
import { AF_INET, AF_INET6 } from './linux-constants.ts';
import { InvalidArgumentError } from './packet-socket-error.ts';

export type SocketAddress = { readonly family: 4 | 6; readonly address: string; readonly port: number };

const littleEndian = endianness() === 'LE';

/** Encodes `address`:`port` (IPv6 scope as "%<ifindex>" is not supported: pass a global address). */
export function encodeSocketAddress(address: string, port: number): Buffer {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidArgumentError('port', `${port}`);
  if (isIPv4(address)) {
    const buf = Buffer.alloc(16);
    writeFamily(buf, AF_INET);
    buf.writeUInt16BE(port, 2);
    address.split('.').forEach((octet, i) => {
      buf[4 + i] = Number(octet);
    });
    return buf;
  }
  if (isIPv6(address)) {
    const buf = Buffer.alloc(28);
    writeFamily(buf, AF_INET6);
    buf.writeUInt16BE(port, 2);
    expandIpv6(address).copy(buf, 8);
    return buf;
  }
  throw new InvalidArgumentError('address', `"${address}" is not an IP address`);
}

/** Decodes what recvmsg/getsockname returned. */
export function decodeSocketAddress(buf: Uint8Array): SocketAddress {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const family = littleEndian ? bytes.readUInt16LE(0) : bytes.readUInt16BE(0);
  const port = bytes.readUInt16BE(2);
  if (family === AF_INET && bytes.length >= 8) {
    return { family: 4, address: [...bytes.subarray(4, 8)].join('.'), port };
  }
  if (family === AF_INET6 && bytes.length >= 24) {
    const groups: string[] = [];
    for (let i = 0; i < 8; i++) groups.push(bytes.readUInt16BE(8 + 2 * i).toString(16));
    return { family: 6, address: compressIpv6(groups), port };
  }
  throw new InvalidArgumentError('sockaddr', `family ${family}, ${bytes.length} bytes`);
}

function writeFamily(buf: Buffer, family: number): void {
  if (littleEndian) buf.writeUInt16LE(family, 0);
  else buf.writeUInt16BE(family, 0);
}

function expandIpv6(address: string): Buffer {
  const [head = '', tail] = address.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':'));
  let groups = parse(head);
  if (tail === undefined && groups.length !== 8) throw new InvalidArgumentError('address', `"${address}"`);
  if (tail !== undefined) {
    const right = parse(tail);
    groups = [...groups, ...new Array<string>(8 - groups.length - right.length).fill('0'), ...right];
  }
  const out = Buffer.alloc(16);
  groups.forEach((group, i) => {
    // IPv4-mapped tails (::ffff:198.51.100.1) are not accepted: use the IPv4 address.
    if (!/^[0-9a-f]{1,4}$/i.test(group)) throw new InvalidArgumentError('address', `"${address}"`);
    out.writeUInt16BE(Number.parseInt(group, 16), 2 * i);
  });
  return out;
}

/** RFC 5952 text: the longest run (2+) of zero groups becomes "::". */
function compressIpv6(groups: readonly string[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLength).join(':')}`;
}
