/**
 * Captures BFD control packets on a lab host's link with tcpdump and decodes them with our codec,
 * so detection times are measured from the wire: from the last packet of the side that died to
 * the first Down (diag 1) packet of the side that noticed.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LabHost } from '@baremetal-lb/lab';
import { BfdDiagnostic, BfdState } from '../src/bfd-constants.ts';
import { type ControlPacket, decodeControlPacket } from '../src/control-packet.ts';

export type CapturedPacket = {
  /** Capture timestamp, µs since the epoch. */
  readonly timeUs: number;
  readonly source: string;
  readonly destination: string;
  readonly ttl: number;
  readonly packet: ControlPacket;
};

export type Capture = {
  stop(): Promise<CapturedPacket[]>;
  /** After stop: packets tcpdump reported lost (its buffer full while it was not scheduled). */
  readonly droppedByKernel: number | undefined;
};

let sequence = 0;

export async function startCapture(host: LabHost): Promise<Capture> {
  const file = path.join(tmpdir(), `bmlb-bfd-${process.pid}-${sequence++}.pcap`);
  // --immediate-mode: otherwise packets wait in libpcap's ring until a block times out and are
  // lost when SIGINT stops the capture.
  const child = host.spawn('tcpdump', [
    '-i',
    host.ifname,
    '-Z',
    'root',
    '--immediate-mode',
    '-U',
    '-n',
    // A small snapshot length and a big buffer: libpcap's ring has room for thousands of BFD
    // packets, so a capture process starved of CPU for a while loses none (with the default
    // 256 KiB snapshot the 2 MiB ring holds eight, and losses look like transmit gaps).
    '-s',
    '128',
    '-B',
    '16384',
    '-w',
    file,
    'udp port 3784 or udp port 4784',
  ]);
  child.stdout?.resume();
  let text = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('listening on')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`tcpdump exited ${code}: ${text}`)));
  });
  return {
    get droppedByKernel() {
      const match = /(\d+) packets? dropped by kernel/.exec(text);
      return match === null ? undefined : Number(match[1]);
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
      try {
        return parsePcap(readFileSync(file));
      } finally {
        rmSync(file, { force: true });
      }
    },
  };
}

/** Classic pcap, Ethernet link type, IPv4 and IPv6 over UDP; anything else is skipped. */
export function parsePcap(buf: Buffer): CapturedPacket[] {
  const magic = buf.readUInt32LE(0);
  const nanoseconds = magic === 0xa1b23c4d;
  const packets: CapturedPacket[] = [];
  for (let offset = 24; offset + 16 <= buf.length; ) {
    const seconds = buf.readUInt32LE(offset);
    const fraction = buf.readUInt32LE(offset + 4);
    const length = buf.readUInt32LE(offset + 8);
    const frame = buf.subarray(offset + 16, offset + 16 + length);
    offset += 16 + length;
    const timeUs = seconds * 1e6 + (nanoseconds ? fraction / 1000 : fraction);
    const etherType = frame.readUInt16BE(12);
    let payloadAt: number;
    let source: string;
    let destination: string;
    let ttl: number;
    if (etherType === 0x0800) {
      const headerLength = (frame[14]! & 0x0f) * 4;
      ttl = frame[22]!;
      source = [...frame.subarray(26, 30)].join('.');
      destination = [...frame.subarray(30, 34)].join('.');
      payloadAt = 14 + headerLength + 8;
    } else if (etherType === 0x86dd) {
      ttl = frame[21]!;
      const address = (at: number) =>
        Array.from({ length: 8 }, (_, i) => frame.readUInt16BE(at + 2 * i).toString(16)).join(':');
      source = address(22);
      destination = address(38);
      payloadAt = 14 + 40 + 8;
    } else {
      continue;
    }
    try {
      packets.push({ timeUs, source, destination, ttl, packet: decodeControlPacket(frame, payloadAt) });
    } catch {
      // Not a BFD control packet.
    }
  }
  return packets;
}

/**
 * Time from the last packet `dead` sent (to `to`, if given) before `atUs` to `atUs` (an event
 * the survivor logged), ms.
 */
export function sinceLastPacket(
  packets: readonly CapturedPacket[],
  dead: string,
  atUs: number,
  to?: string,
): number {
  const last = packets
    .filter((p) => p.source === dead && p.timeUs <= atUs && (to === undefined || p.destination === to))
    .at(-1);
  if (last === undefined) throw new Error(`no packet from ${dead} before ${atUs}`);
  return (atUs - last.timeUs) / 1000;
}

/**
 * The detection time the wire shows: from the last packet `dead` sent to the first packet from
 * `survivor` to `dead` saying Down with diag 1 (Control Detection Time Expired), at or after `afterUs`
 * (the kill, so that an earlier flap is not mistaken for the detection).
 */
export function measureDetection(
  packets: readonly CapturedPacket[],
  dead: string,
  survivor: string,
  afterUs = 0,
): number {
  const down = packets.find(
    (p) =>
      p.timeUs >= afterUs &&
      p.source === survivor &&
      p.destination === dead &&
      p.packet.state === BfdState.down &&
      p.packet.diagnostic === BfdDiagnostic.controlDetectionTimeExpired,
  );
  if (down === undefined) {
    const seen = packets.map((p) => `${p.source}:${p.packet.state}/${p.packet.diagnostic}`).join(' ');
    throw new Error(
      `no Down (diag 1) packet from ${survivor} in the capture of ${packets.length}: ${seen.slice(-600)}`,
    );
  }
  return sinceLastPacket(packets, dead, down.timeUs, survivor);
}

type Gap = { readonly fromUs: number; readonly toUs: number };

/**
 * The gaps between consecutive Up-state packets of each session `source` sent (to `destination`
 * if given; sessions told apart by My Discriminator), in capture order.
 */
function upGaps(packets: readonly CapturedPacket[], source: string, destination?: string): Gap[] {
  const last = new Map<number, number>();
  const gaps: Gap[] = [];
  for (const p of packets) {
    if (p.source !== source || (destination !== undefined && p.destination !== destination)) continue;
    const discriminator = p.packet.myDiscriminator;
    const previous = last.get(discriminator);
    if (p.packet.state === BfdState.up) {
      if (previous !== undefined) gaps.push({ fromUs: previous, toUs: p.timeUs });
      last.set(discriminator, p.timeUs);
    } else {
      last.delete(discriminator);
    }
  }
  return gaps;
}

/** Those gaps in ms, ascending: how regularly that side really transmitted. */
export function transmitGaps(
  packets: readonly CapturedPacket[],
  source: string,
  destination?: string,
): number[] {
  return upGaps(packets, source, destination)
    .map((g) => (g.toUs - g.fromUs) / 1000)
    .sort((a, b) => a - b);
}

/** Those gaps longer than `overMs`, with their times. */
export function longGaps(
  packets: readonly CapturedPacket[],
  overMs: number,
  source: string,
  destination?: string,
): Gap[] {
  return upGaps(packets, source, destination).filter((g) => g.toUs - g.fromUs > overMs * 1000);
}
