export { FakeClock, flushMicrotasks } from './fake-clock.ts';
export { MemoryLease } from './memory-lease-store.ts';
