export { ManualClock } from './manual-clock.ts';
export { MemoryNetwork } from './memory-network.ts';
