/**
 * Reassembles the TCP byte streams in a captured pcap (Ethernet, IPv4 or IPv6 without extension
 * headers, TCP) so BGP messages can be cut out of them. Retransmitted and overlapping segments
 * are counted once; a stream with a gap ends at the gap. Enough for tcpdump captures on a bridge.
 */
import { formatIpv4, formatIpv6, readIpv4 } from '@baremetal-lb/arp-wire';
import { readPcap } from '@baremetal-lb/arp-wire/testing';

export type TcpStream = {
  /** `address:port>address:port`, addresses as tshark prints them. */
  readonly key: string;
  readonly source: string;
  readonly destination: string;
  readonly bytes: Uint8Array;
};

type Segment = { readonly seq: number; readonly payload: Uint8Array };

function formatAddress(bytes: Uint8Array): string {
  return bytes.length === 4 ? formatIpv4(readIpv4(bytes, 0)) : formatIpv6(bytes);
}

/** Streams of `pcap`, in order of their first segment. */
export function readTcpStreams(pcap: Uint8Array): TcpStream[] {
  const segments = new Map<string, { source: string; destination: string; isn?: number; list: Segment[] }>();
  for (const frame of readPcap(pcap)) {
    const etherType = (frame[12]! << 8) | frame[13]!;
    let tcp: number;
    let source: string;
    let destination: string;
    let end: number;
    if (etherType === 0x0800 && frame[23] === 6) {
      tcp = 14 + (frame[14]! & 0x0f) * 4;
      source = formatAddress(frame.subarray(26, 30));
      destination = formatAddress(frame.subarray(30, 34));
      end = 14 + ((frame[16]! << 8) | frame[17]!);
    } else if (etherType === 0x86dd && frame[20] === 6) {
      tcp = 54;
      source = formatAddress(frame.subarray(22, 38));
      destination = formatAddress(frame.subarray(38, 54));
      end = 54 + ((frame[18]! << 8) | frame[19]!);
    } else {
      continue;
    }
    const sourcePort = (frame[tcp]! << 8) | frame[tcp + 1]!;
    const destinationPort = (frame[tcp + 2]! << 8) | frame[tcp + 3]!;
    const seq =
      ((frame[tcp + 4]! << 24) | (frame[tcp + 5]! << 16) | (frame[tcp + 6]! << 8) | frame[tcp + 7]!) >>> 0;
    const dataAt = tcp + (frame[tcp + 12]! >>> 4) * 4;
    const syn = (frame[tcp + 13]! & 0x02) !== 0;
    const from = source.includes(':') ? `[${source}]:${sourcePort}` : `${source}:${sourcePort}`;
    const to = destination.includes(':')
      ? `[${destination}]:${destinationPort}`
      : `${destination}:${destinationPort}`;
    const key = `${from}>${to}`;
    let stream = segments.get(key);
    if (stream === undefined) {
      stream = { source: from, destination: to, list: [] };
      segments.set(key, stream);
    }
    if (syn) stream.isn = (seq + 1) >>> 0;
    if (end > dataAt) stream.list.push({ seq, payload: frame.slice(dataAt, Math.min(end, frame.length)) });
  }
  const streams: TcpStream[] = [];
  for (const [key, { source, destination, isn, list }] of segments) {
    if (list.length === 0) continue;
    const base = isn ?? list[0]!.seq;
    const ordered = list
      .map((segment) => ({ at: (segment.seq - base) >>> 0, payload: segment.payload }))
      .sort((a, b) => a.at - b.at);
    const chunks: Uint8Array[] = [];
    let next = 0;
    for (const { at, payload } of ordered) {
      if (at > next) break;
      if (at + payload.length <= next) continue;
      chunks.push(payload.subarray(next - at));
      next = at + payload.length;
    }
    streams.push({ key, source, destination, bytes: Uint8Array.from(Buffer.concat(chunks)) });
  }
  return streams;
}
