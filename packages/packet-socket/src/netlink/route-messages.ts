/**
 * rtnetlink (RFC 3549; linux/rtnetlink.h) messages for interface discovery: dump requests for
 * links and addresses, and a bounds-checked decoder of the kernel's answers and notifications.
 * Netlink uses host byte order; the decoder never reads past a message or attribute.
 */
import { endianness } from 'node:os';

const little = endianness() === 'LE';

export const RouteMessageType = {
  done: 3,
  error: 2,
  newLink: 16,
  delLink: 17,
  getLink: 18,
  newAddress: 20,
  delAddress: 21,
  getAddress: 22,
} as const;

const NLM_F_REQUEST = 0x1;
const NLM_F_DUMP = 0x300;
const headerBytes = 16;

/** One link (RTM_NEWLINK / RTM_DELLINK). */
export type LinkMessage = {
  readonly type: 'link';
  readonly deleted: boolean;
  readonly index: number;
  /** IFF_* bits. */
  readonly flags: number;
  readonly name: string;
  /** Hardware address, lower-case colon-separated; '' when the link has none. */
  readonly mac: string;
  readonly mtu: number;
  /** Index of the bridge or bond this link is a member of. */
  readonly masterIndex: number | undefined;
  /** Index of the parent link (a VLAN's lower device). */
  readonly parentIndex: number | undefined;
  /** IFLA_INFO_KIND: "bridge", "bond", "veth", "vlan"... */
  readonly kind: string | undefined;
  readonly vlanId: number | undefined;
};

/** One address (RTM_NEWADDR / RTM_DELADDR). */
export type AddressMessage = {
  readonly type: 'address';
  readonly deleted: boolean;
  readonly index: number;
  readonly family: 4 | 6;
  readonly address: string;
  readonly prefixLength: number;
  /** RT_SCOPE_*: 0 universe (global), 253 link, 254 host. */
  readonly scope: number;
  /** IFA_F_* bits. */
  readonly flags: number;
};

export type RouteMessage = LinkMessage | AddressMessage;

export type DecodedBatch = {
  readonly messages: readonly RouteMessage[];
  /** NLMSG_DONE seen: the dump is complete. */
  readonly done: boolean;
  /** Positive errno of an NLMSG_ERROR, if any. */
  readonly errno: number | undefined;
};

/** A dump request for all links (RTM_GETLINK) or all addresses (RTM_GETADDR). */
export function encodeDumpRequest(
  type: typeof RouteMessageType.getLink | typeof RouteMessageType.getAddress,
  sequence: number,
): Buffer {
  const bodyBytes = type === RouteMessageType.getLink ? 16 : 8; // ifinfomsg / ifaddrmsg, all zero
  const message = Buffer.alloc(headerBytes + bodyBytes);
  u32w(message, message.length, 0);
  u16w(message, type, 4);
  u16w(message, NLM_F_REQUEST | NLM_F_DUMP, 6);
  u32w(message, sequence, 8);
  return message;
}

/** Decodes every netlink message in one datagram; unknown types are skipped. */
export function decodeRouteMessages(datagram: Uint8Array): DecodedBatch {
  const buffer = Buffer.from(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const messages: RouteMessage[] = [];
  let done = false;
  let errno: number | undefined;
  let offset = 0;
  while (offset + headerBytes <= buffer.length) {
    const length = u32(buffer, offset);
    if (length < headerBytes || offset + length > buffer.length) break;
    const type = u16(buffer, offset + 4);
    const body = buffer.subarray(offset + headerBytes, offset + length);
    if (type === RouteMessageType.done) done = true;
    else if (type === RouteMessageType.error && body.length >= 4) {
      const code = i32(body, 0);
      if (code !== 0) errno = -code;
    } else if (type === RouteMessageType.newLink || type === RouteMessageType.delLink) {
      const link = decodeLink(body, type === RouteMessageType.delLink);
      if (link !== undefined) messages.push(link);
    } else if (type === RouteMessageType.newAddress || type === RouteMessageType.delAddress) {
      const address = decodeAddress(body, type === RouteMessageType.delAddress);
      if (address !== undefined) messages.push(address);
    }
    offset += align4(length);
  }
  return { messages, done, errno };
}

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINK = 5;
const IFLA_MASTER = 10;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const IFLA_VLAN_ID = 1;

/** ifinfomsg: family u8, pad u8, type u16, index i32, flags u32, change u32 (16 bytes). */
function decodeLink(body: Buffer, deleted: boolean): LinkMessage | undefined {
  if (body.length < 16) return undefined;
  const attributes = decodeAttributes(body.subarray(16));
  let kind: string | undefined;
  let vlanId: number | undefined;
  const linkInfo = attributes.get(IFLA_LINKINFO);
  if (linkInfo !== undefined) {
    const info = decodeAttributes(linkInfo);
    kind = cString(info.get(IFLA_INFO_KIND));
    const data = info.get(IFLA_INFO_DATA);
    if (kind === 'vlan' && data !== undefined) {
      const id = decodeAttributes(data).get(IFLA_VLAN_ID);
      if (id !== undefined && id.length >= 2) vlanId = u16(id, 0);
    }
  }
  return {
    type: 'link',
    deleted,
    index: i32(body, 4),
    flags: u32(body, 8),
    name: cString(attributes.get(IFLA_IFNAME)) ?? '',
    mac: formatMac(attributes.get(IFLA_ADDRESS)),
    mtu: u32Attribute(attributes.get(IFLA_MTU)) ?? 0,
    masterIndex: u32Attribute(attributes.get(IFLA_MASTER)),
    parentIndex: u32Attribute(attributes.get(IFLA_LINK)),
    kind,
    vlanId,
  };
}

const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;
const IFA_FLAGS = 8;

/** ifaddrmsg: family u8, prefixlen u8, flags u8, scope u8, index u32 (8 bytes). */
function decodeAddress(body: Buffer, deleted: boolean): AddressMessage | undefined {
  if (body.length < 8) return undefined;
  const family = body[0] === 2 ? 4 : body[0] === 10 ? 6 : undefined;
  if (family === undefined) return undefined;
  const attributes = decodeAttributes(body.subarray(8));
  // IPv4 puts the interface's own address in IFA_LOCAL (IFA_ADDRESS is the peer on
  // point-to-point links); IPv6 uses IFA_ADDRESS.
  const raw = (family === 4 ? attributes.get(IFA_LOCAL) : undefined) ?? attributes.get(IFA_ADDRESS);
  if (raw === undefined || raw.length !== (family === 4 ? 4 : 16)) return undefined;
  return {
    type: 'address',
    deleted,
    index: u32(body, 4),
    family,
    address: family === 4 ? [...raw].join('.') : formatIpv6(raw),
    prefixLength: body[1]!,
    scope: body[3]!,
    flags: u32Attribute(attributes.get(IFA_FLAGS)) ?? body[2]!,
  };
}

/** rtattr: len u16 (header included), type u16, value, padded to 4 bytes. Later duplicates win. */
function decodeAttributes(data: Buffer): Map<number, Buffer> {
  const attributes = new Map<number, Buffer>();
  let offset = 0;
  while (offset + 4 <= data.length) {
    const length = u16(data, offset);
    if (length < 4 || offset + length > data.length) break;
    attributes.set(u16(data, offset + 2) & 0x3fff, data.subarray(offset + 4, offset + length));
    offset += align4(length);
  }
  return attributes;
}

function cString(value: Buffer | undefined): string | undefined {
  if (value === undefined) return undefined;
  const end = value.indexOf(0);
  return value.subarray(0, end === -1 ? value.length : end).toString('utf8');
}

function u32Attribute(value: Buffer | undefined): number | undefined {
  return value !== undefined && value.length >= 4 ? u32(value, 0) : undefined;
}

function formatMac(value: Buffer | undefined): string {
  if (value === undefined) return '';
  return [...value].map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/** RFC 5952 text: lower case, no leading zeros, the longest run of two or more zero groups as "::". */
export function formatIpv6(bytes: Uint8Array): string {
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

const align4 = (n: number) => (n + 3) & ~3;
const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
const i32 = (b: Buffer, at: number) => (little ? b.readInt32LE(at) : b.readInt32BE(at));
const u16w = (b: Buffer, v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
const u32w = (b: Buffer, v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
