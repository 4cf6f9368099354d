export { ManualClock } from './manual-clock.ts';
export { MemoryNetwork } from './memory-network.ts';
export { sampleControlPacket } from './sample-control-packet.ts';
