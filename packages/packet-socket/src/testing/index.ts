export type { MemoryFilter, MemoryPacketConnOptions } from './memory-packet-conn.ts';
export { createMemoryPacketConnPair, MemoryPacketConn } from './memory-packet-conn.ts';
export type { FrameOptions } from './sample-frames.ts';
export { sampleArp, sampleIcmpv6, sampleIpv4 } from './sample-frames.ts';
