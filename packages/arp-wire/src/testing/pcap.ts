/**
 * Minimal classic pcap (libpcap "tcpdump" format) reading and writing for Ethernet captures:
 * global header (24 bytes) then per packet a 16-byte record header and the captured bytes.
 * Used to turn `tcpdump -w` output into golden vectors and vectors back into a file for tshark.
 */

/** LINKTYPE_ETHERNET (tcpdump.org link-layer header types). */
const LINKTYPE_ETHERNET = 1;
const MAGIC_MICROSECONDS = 0xa1b2c3d4;
const MAGIC_NANOSECONDS = 0xa1b23c4d;
const GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** Frames of an Ethernet pcap file, in capture order (copies, not views). */
export function readPcap(file: Uint8Array): Uint8Array[] {
  if (file.length < GLOBAL_HEADER_BYTES)
    throw new Error(`pcap: ${file.length} bytes is shorter than the header`);
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magicBig = view.getUint32(0, false);
  const magicLittle = view.getUint32(0, true);
  let littleEndian: boolean;
  if (magicLittle === MAGIC_MICROSECONDS || magicLittle === MAGIC_NANOSECONDS) littleEndian = true;
  else if (magicBig === MAGIC_MICROSECONDS || magicBig === MAGIC_NANOSECONDS) littleEndian = false;
  else throw new Error(`pcap: unknown magic 0x${magicBig.toString(16)} (pcapng is not supported)`);
  const linkType = view.getUint32(20, littleEndian) & 0x0fff_ffff;
  if (linkType !== LINKTYPE_ETHERNET) throw new Error(`pcap: link type ${linkType}, expected 1 (Ethernet)`);
  const frames: Uint8Array[] = [];
  let at = GLOBAL_HEADER_BYTES;
  while (at + RECORD_HEADER_BYTES <= file.length) {
    const capturedLength = view.getUint32(at + 8, littleEndian);
    const start = at + RECORD_HEADER_BYTES;
    if (start + capturedLength > file.length) throw new Error(`pcap: record at ${at} runs past the end`);
    frames.push(new Uint8Array(file.subarray(start, start + capturedLength)));
    at = start + capturedLength;
  }
  return frames;
}

/** A little-endian microsecond pcap file holding `frames`, one second apart from the epoch. */
export function writePcap(frames: readonly Uint8Array[]): Buffer {
  const total =
    GLOBAL_HEADER_BYTES + frames.reduce((sum, frame) => sum + RECORD_HEADER_BYTES + frame.length, 0);
  const file = Buffer.alloc(total);
  file.writeUInt32LE(MAGIC_MICROSECONDS, 0);
  file.writeUInt16LE(2, 4);
  file.writeUInt16LE(4, 6);
  file.writeUInt32LE(65535, 16);
  file.writeUInt32LE(LINKTYPE_ETHERNET, 20);
  let at = GLOBAL_HEADER_BYTES;
  frames.forEach((frame, index) => {
    file.writeUInt32LE(index, at);
    file.writeUInt32LE(frame.length, at + 8);
    file.writeUInt32LE(frame.length, at + 12);
    file.set(frame, at + RECORD_HEADER_BYTES);
    at += RECORD_HEADER_BYTES + frame.length;
  });
  return file;
}
