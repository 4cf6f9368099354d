export { ManualClock } from './manual-clock.ts';
export { MemoryNetwork } from './memory-network.ts';
export type { PacedMemoryTransport } from './memory-pacer.ts';
export { pacedTransport } from './memory-pacer.ts';
export { sampleControlPacket } from './sample-control-packet.ts';
