/**
 * A synthetic full-table-style UPDATE stream: 100,000 IPv4 prefixes with a realistic length mix
 * (about 60 % /24, the rest /16 to /23), grouped into path-attribute sets as a router packs them —
 * every prefix sharing a set goes into as few UPDATEs as the 4096-byte limit allows. Deterministic
 * (a fixed-seed generator), so every run measures the same bytes.
 */
import { bgpMessageEncodedLength, encodeBgpMessageInto } from '../src/bgp-message.ts';
import { MAX_MESSAGE_LENGTH_BYTES, MessageType } from '../src/message-header.ts';
import type { PathAttribute } from '../src/path-attribute.ts';
import type { Ipv4Prefix } from '../src/prefix.ts';
import { DEFAULT_SESSION } from '../src/session-options.ts';
import type { UpdateMessage } from '../src/update-message.ts';

export const FULL_TABLE_PREFIXES = 100_000;

/** xorshift32: a small deterministic generator. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
}

function attributesFor(random: () => number): PathAttribute[] {
  const hops = 2 + Math.floor(random() * 4);
  return [
    { kind: 'origin', origin: 0 },
    {
      kind: 'asPath',
      segments: [
        { type: 2, asns: Array.from({ length: hops }, () => 1 + Math.floor(random() * 4_200_000_000)) },
      ],
    },
    { kind: 'nextHop', nextHop: 0xc6336401 },
    { kind: 'multiExitDisc', med: Math.floor(random() * 100) },
    { kind: 'communities', communities: [0xfde90064, (Math.floor(random() * 65535) << 16) >>> 0] },
  ];
}

/**
 * The stream bytes and the number of UPDATEs. `meanGroup` is the mean number of prefixes sharing
 * one attribute set; Infinity packs all prefixes into full 4096-byte UPDATEs.
 */
export function buildFullTableStream(meanGroup: number): { stream: Uint8Array; updates: number } {
  const random = generator(0x5eed);
  const chunks: Uint8Array[] = [];
  let left = FULL_TABLE_PREFIXES;
  let base = 0x0100_0000;
  while (left > 0) {
    const group = Number.isFinite(meanGroup)
      ? Math.min(left, 1 + Math.floor(random() * 2 * meanGroup))
      : left;
    const attributes = attributesFor(random);
    let prefixes: Ipv4Prefix[] = [];
    const flush = () => {
      const update: UpdateMessage = { type: MessageType.update, withdrawn: [], attributes, nlri: prefixes };
      const bytes = new Uint8Array(bgpMessageEncodedLength(update));
      encodeBgpMessageInto(update, bytes, 0, DEFAULT_SESSION);
      chunks.push(bytes);
      prefixes = [];
    };
    const empty = bgpMessageEncodedLength({ type: MessageType.update, withdrawn: [], attributes, nlri: [] });
    let size = empty;
    for (let i = 0; i < group; i++) {
      const length = random() < 0.6 ? 24 : 16 + Math.floor(random() * 8);
      base = (base + 0x100 * (1 + Math.floor(random() * 3))) >>> 0;
      const prefix = { address: (base & (0xffff_ffff << (32 - length))) >>> 0, length };
      const cost = 1 + ((length + 7) >>> 3);
      if (size + cost > MAX_MESSAGE_LENGTH_BYTES) {
        flush();
        size = empty;
      }
      prefixes.push(prefix);
      size += cost;
    }
    if (prefixes.length > 0) flush();
    left -= group;
  }
  return { stream: Uint8Array.from(Buffer.concat(chunks)), updates: chunks.length };
}
