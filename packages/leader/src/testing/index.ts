export { FakeClock } from './fake-clock.ts';
export type { MemoryNetworkOptions, TrafficCounters } from './memory-network.ts';
export { MemoryNetwork } from './memory-network.ts';
export { seededRandom } from './seeded-random.ts';
export type { SimulatedClusterOptions, SimulatedMember } from './simulated-cluster.ts';
export { SimulatedCluster } from './simulated-cluster.ts';
