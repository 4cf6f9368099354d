export type { MemoryPacketConnOptions } from './memory-packet-conn.ts';
export { createMemoryPacketConnPair, MemoryPacketConn } from './memory-packet-conn.ts';
