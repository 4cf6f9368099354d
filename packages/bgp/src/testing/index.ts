export { ManualClock } from './manual-clock.ts';
export { MemoryNetwork, RemoteEnd, settle } from './memory-transport.ts';
