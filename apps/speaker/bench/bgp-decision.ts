/**
 * Cost of BGP mode's per-change work without I/O: packages/config resolving the BGP objects plus
 * desiredRoutes for one node, for 1,000 and 10,000 Services, 3 peers, 2 advertisements, 100
 * nodes (what every cluster change costs each speaker), and BgpSessions handing the routes to
 * three in-memory sessions the first time and when nothing changed.
 * `node --conditions=@baremetal-lb/source bench/bgp-decision.ts` (npm run bench:bgp). Best of 5.
 */
import { ManualClock, MemoryNetwork } from '@baremetal-lb/bgp/testing';
import { buildConfiguration } from '@baremetal-lb/config';
import pino from 'pino';
import { BgpSessions } from '../src/bgp/bgp-sessions.ts';
import { desiredRoutes } from '../src/bgp/desired-routes.ts';
import type { NodeView, ServiceView } from '../src/layer2/election/speaker-state.ts';

const nodeNames = Array.from({ length: 100 }, (_, i) => `node-${i}`);
const nodeObjects = nodeNames.map((name, i) => ({ metadata: { name, labels: { zone: `z${i % 3}` } } }));
const nodes = new Map<string, NodeView>(
  nodeNames.map((name, i) => [name, { name, labels: { zone: `z${i % 3}` }, networkUnavailable: false }]),
);
const peers = [1, 2, 3].map((n) => ({
  metadata: { name: `router-${n}` },
  spec: { myASN: 64512, peerASN: n === 1 ? 64512 : 64513, peerAddress: `198.51.100.${n}` },
}));
const advertisements = [
  { metadata: { name: 'all' }, spec: { communities: ['64512:1'] } },
  { metadata: { name: 'ibgp' }, spec: { localPref: 150, peers: ['router-1'], communities: ['64512:2'] } },
];

function services(count: number): ServiceView[] {
  return Array.from({ length: count }, (_, i) => ({
    namespace: 'default',
    name: `svc-${i}`,
    labels: {},
    externalTrafficPolicy: i % 4 === 0 ? 'Local' : 'Cluster',
    ingressIPs: [`198.18.${Math.floor(i / 250)}.${i % 250}`],
    pool: 'pool',
    endpoints: [{ nodeName: nodeNames[i % 100]! }, { nodeName: 'node-0' }],
  }));
}

function best(rounds: number, run: () => void): number {
  let min = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    run();
    min = Math.min(min, performance.now() - start);
  }
  return min;
}

const rows: string[] = [
  '| Services | resolve config + desiredRoutes | first apply (3 sessions) | apply, nothing changed |',
];
rows.push('| --- | --- | --- | --- |');
for (const count of [1_000, 10_000]) {
  const list = services(count);
  let plan = desiredRoutes({ nodes, services: list, peers: [], advertisements: [] }, 'node-0');
  const decide = best(5, () => {
    const config = buildConfiguration({
      pools: [{ metadata: { name: 'pool' }, spec: { addresses: ['198.18.0.0/16'] } }],
      bgpPeers: peers,
      bgpAdvertisements: advertisements,
      nodes: nodeObjects,
    });
    plan = desiredRoutes(
      { nodes, services: list, peers: config.bgpPeers, advertisements: config.bgpAdvertisements },
      'node-0',
    );
  });
  let first = Number.POSITIVE_INFINITY;
  let again = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 5; r++) {
    const sessions = new BgpSessions({
      nodeName: 'node-0',
      nodeAddresses: () => ['198.51.100.10'],
      transport: new MemoryNetwork().transport,
      startBfd: () => Promise.reject(new Error('no BFD in this bench')),
      log: pino({ level: 'silent' }),
      clock: new ManualClock(),
    });
    first = Math.min(
      first,
      best(1, () => sessions.apply(plan)),
    );
    again = Math.min(
      again,
      best(1, () => sessions.apply(plan)),
    );
    await sessions.shutdown();
  }
  rows.push(
    `| ${count.toLocaleString('en')} | ${decide.toFixed(1)} ms | ${first.toFixed(1)} ms | ${again.toFixed(1)} ms |`,
  );
}
console.log(rows.join('\n'));
