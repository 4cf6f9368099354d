/**
 * BGP mode figures on the BGP lab (real API server, controller and speakers; FRR as the router);
 * prints tables for tools/lab/README.md. Sections, chosen with BGP_BENCH (comma-separated,
 * default all):
 *
 *   announce  Service created → its /32 in the router's kernel table (after bgpd's RIB and zebra):
 *             first next hop and all three, p50/p99 over BGP_BENCH_SERVICES (default 100, at most 256)
 *   bfd       a node cut off hard (link down, speaker SIGKILLed) → the router drops its next hop,
 *             BFDProfile 50 ms × 3 and 300 ms × 3 (BGP_BENCH_CUTS runs each, default 10)
 *   scale     1,000 Services announced by 3 nodes to 2 routers: from the BGPAdvertisement to every
 *             /32 with 3 next hops in both routers' kernel tables; speaker RSS before and after
 *   router    the router alone: three plain BgpSpeaker processes (no Kubernetes) announce a /32
 *             at once → the route with 3 next hops in FRR's kernel table (BGP_BENCH_SERVICES runs),
 *             to tell the router's share from the speaker's
 *
 * Needs root, FRR, the envtest binaries (or Go) and the speaker's BGP mode.
 */

import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { Service } from '@baremetal-lb/kube';
import { nodeAsn, routerAsn } from '../src/bgp/bgp-addresses.ts';
import { type BgpLab, startBgpLab } from '../src/bgp/bgp-lab.ts';
import { bgpLabNeeds, bgpRouterNeeds } from '../src/bgp/bgp-lab-needs.ts';
import { createHarnessLab } from '../src/bgp/harness-lab.ts';
import { readKernelRoutes, watchKernelRoutes, withoutNextHop } from '../src/bgp/kernel-routes.ts';
import { bgpConfigYaml, stopNode } from '../src/bgp/run-bgp-walkthrough.ts';
import type { LabHost } from '../src/lab-host.ts';
import { checkPrerequisites } from '../src/prerequisites.ts';
import { deployQuickstartApp, type QuickstartApp } from '../src/quickstart/quickstart-app.ts';
import { metallbNamespace } from '../src/quickstart/quickstart-cluster.ts';
import { waitFor } from '../src/quickstart/wait-for.ts';

const sections = new Set((process.env.BGP_BENCH ?? 'announce,bfd,scale,router').split(','));
const serviceCount = Math.min(256, Number(process.env.BGP_BENCH_SERVICES ?? 100));
const cuts = Number(process.env.BGP_BENCH_CUTS ?? 10);
const scaleCount = 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}
const ms = (value: number) => `${value.toFixed(0)} ms`;
const summary = (values: readonly number[]) =>
  `p50 ${ms(percentile(values, 50))}, p99 ${ms(percentile(values, 99))}, max ${ms(Math.max(...values))} (n=${values.length})`;

function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`);
}

/** VmRSS of the speaker process of `node`, MiB (found by its command line). */
function speakerRssMiB(node: string): number {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!cmdline.includes('apps/speaker/src/main.ts') || !cmdline.includes(`--node-name=${node}\0`))
        continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return Number(rss?.[1]) / 1024;
    } catch {
      // The process went away while we looked.
    }
  }
  return Number.NaN;
}

/** A LoadBalancer Service `name` whose one ready endpoint is `app`'s first pod. */
async function createService(lab: BgpLab, app: QuickstartApp, name: string, pool?: string): Promise<number> {
  const { kube } = lab.cluster.api;
  const pod = app.pods[0]!;
  await kube.request('POST', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', {
    body: {
      metadata: { name: `${name}-x`, labels: { 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: [pod.ip], nodeName: pod.node.name, conditions: { ready: true, serving: true } },
      ],
    },
  });
  const createdAt = performance.now();
  await kube.request('POST', '/api/v1/namespaces/default/services', {
    body: {
      metadata: { name, ...(pool === undefined ? {} : { annotations: { 'metallb.io/address-pool': pool } }) },
      spec: { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
  });
  return createdAt;
}

async function ingressIp(lab: BgpLab, name: string): Promise<string> {
  return waitFor(`an IP for ${name}`, 30_000, async () => {
    const service = await lab.cluster.api.kube.request<Service>(
      'GET',
      `/api/v1/namespaces/default/services/${name}`,
    );
    return service.status?.loadBalancer?.ingress?.[0]?.ip;
  });
}

async function announceBench(lab: BgpLab, app: QuickstartApp): Promise<void> {
  const assigned: number[] = [];
  const first: number[] = [];
  const all: number[] = [];
  await lab.cluster.kubectl(
    ['apply', '-f', '-'],
    `apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: announce, namespace: ${metallbNamespace} }
spec: { addresses: [198.18.113.0/24], autoAssign: false }
`,
  );
  for (let i = 0; i < serviceCount; i++) {
    const createdAt = await createService(lab, app, `bench-${i}`, 'announce');
    const prefix = `${await ingressIp(lab, `bench-${i}`)}/32`;
    assigned.push(performance.now() - createdAt);
    first.push((await lab.routes.waitFor(prefix, (hops) => hops.length >= 1, 30_000)) - createdAt);
    all.push((await lab.routes.waitFor(prefix, (hops) => hops.length === 3, 30_000)) - createdAt);
  }
  console.log("\nService created → /32 in the router's kernel table (FRR: bgpd RIB, then zebra)\n");
  table([
    ['figure', 'measured'],
    ['EXTERNAL-IP seen (the controller; polled every 50 ms)', summary(assigned)],
    ['first next hop', summary(first)],
    ['all 3 next hops (ECMP)', summary(all)],
  ]);
}

async function bfdBench(lab: BgpLab, app: QuickstartApp): Promise<void> {
  const rows: string[][] = [['BFDProfile', 'node cut off → next hop gone']];
  const m1 = lab.cluster.nodes.find((n) => n.name === 'm1')!;
  const watched = `${app.loadBalancerIp}/32`;
  for (const interval of [50, 300]) {
    await lab.cluster.kubectl(
      ['apply', '-f', '-'],
      `apiVersion: metallb.io/v1beta1
kind: BFDProfile
metadata: { name: fast, namespace: ${metallbNamespace} }
spec: { receiveInterval: ${interval}, transmitInterval: ${interval}, detectMultiplier: 3 }
`,
    );
    // Every speaker re-establishes its session with the changed profile.
    await sleep(3000);
    const times: number[] = [];
    for (let run = 0; run < cuts; run++) {
      await lab.reviveNode('m1');
      await lab.routes.waitFor(watched, (hops) => hops.includes(m1.host.ipv4), 60_000);
      // The session must run with this profile's timers before the cut.
      await waitFor('BFD up with the profile', 60_000, async () =>
        (await lab.router.bfdPeers()).get(m1.host.ipv4) === 'up' ? true : undefined,
      );
      await sleep(interval * 10);
      const cutAt = performance.now();
      await stopNode(lab, undefined, m1);
      times.push((await lab.routes.waitFor(watched, withoutNextHop(m1.host.ipv4), 60_000)) - cutAt);
    }
    rows.push([`${interval} ms × 3`, summary(times)]);
  }
  await lab.reviveNode('m1');
  console.log('\nNode m1 cut off (link down, speaker SIGKILLed) → FRR drops its next hop\n');
  table(rows);
}

async function scaleBench(lab: BgpLab, app: QuickstartApp): Promise<void> {
  const router2Host = lab.spareRouterHosts[0]!;
  const router2 = await lab.startRouterOn(router2Host, 'frr');
  const rssBefore = lab.cluster.nodes.map((n) => speakerRssMiB(n.name));
  // The first advertisement keeps to the first pool, so the bench pool's Services get IPs first,
  // unannounced; then one BGPAdvertisement announces all of them at once.
  await lab.cluster.kubectl(
    ['apply', '-f', '-'],
    `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: example, namespace: ${metallbNamespace} }
spec: { ipAddressPools: [first-pool] }
---
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: bench, namespace: ${metallbNamespace} }
spec: { addresses: [198.18.116.0/22], autoAssign: false }
---
apiVersion: metallb.io/v1beta2
kind: BGPPeer
metadata: { name: router2, namespace: ${metallbNamespace} }
spec: { myASN: ${nodeAsn}, peerASN: ${routerAsn}, peerAddress: ${router2Host.ipv4} }
`,
  );
  const createStart = performance.now();
  const names = Array.from({ length: scaleCount }, (_, i) => `scale-${i}`);
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(names.slice(i, i + 10).map((name) => createService(lab, app, name, 'bench')));
  }
  for (const name of names) await ingressIp(lab, name);
  const createMs = performance.now() - createStart;
  const benchRoutes = async (host: LabHost) =>
    [...(await readKernelRoutes(host))].filter(
      ([p, hops]) => /^198\.18\.11[6-9]\./.test(p) && hops.length === 3,
    ).length;
  const advertisedAt = performance.now();
  await lab.cluster.kubectl(
    ['apply', '-f', '-'],
    `apiVersion: metallb.io/v1beta1
kind: BGPAdvertisement
metadata: { name: bench, namespace: ${metallbNamespace} }
spec: { ipAddressPools: [bench] }
`,
  );
  const converged: number[] = [];
  for (const host of [lab.routerHost, router2Host]) {
    await waitFor(
      '1,000 routes with 3 next hops',
      300_000,
      async () => ((await benchRoutes(host)) === scaleCount ? true : undefined),
      100,
    );
    converged.push(performance.now() - advertisedAt);
  }
  await sleep(2000);
  const rssAfter = lab.cluster.nodes.map((n) => speakerRssMiB(n.name));
  const ribCount = (await router2.routes()).size;
  console.log('\n1,000 Services, 3 nodes, 2 routers (FRR)\n');
  table([
    ['figure', 'measured'],
    ['1,000 Services + EndpointSlices created → all have an IP', ms(createMs)],
    ['BGPAdvertisement applied → router 1: 1,000 /32s × 3 next hops', ms(converged[0]!)],
    ['BGPAdvertisement applied → router 2: the same', ms(converged[1]!)],
    [`router 2's BGP table`, `${ribCount} prefixes`],
    ['speaker RSS before (m1, w1, w2)', rssBefore.map((r) => `${r.toFixed(0)} MiB`).join(', ')],
    ['speaker RSS after', rssAfter.map((r) => `${r.toFixed(0)} MiB`).join(', ')],
  ]);
}

async function routerBench(): Promise<void> {
  const h = await createHarnessLab({ router: 'frr' });
  try {
    const watch = await watchKernelRoutes(h.routerHosts[0]!);
    const announcers = await Promise.all(h.nodes.map((node) => h.startAnnouncer(node)));
    const first: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < serviceCount; i++) {
      const prefix = `198.18.113.${i}/32`;
      const sentAt = performance.now();
      for (const announcer of announcers) announcer.announce([prefix]);
      first.push((await watch.waitFor(prefix, (hops) => hops.length >= 1, 30_000)) - sentAt);
      all.push((await watch.waitFor(prefix, (hops) => hops.length === 3, 30_000)) - sentAt);
    }
    watch.stop();
    console.log("\nThe router alone: 3 plain BgpSpeaker processes announce a /32 → FRR's kernel table\n");
    table([
      ['figure', 'measured'],
      ['first next hop', summary(first)],
      ['all 3 next hops', summary(all)],
    ]);
  } finally {
    await h.destroy();
  }
}

const header = () =>
  console.log(
    `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
const needsCluster = ['announce', 'bfd', 'scale'].some((section) => sections.has(section));
if (sections.has('router') && checkPrerequisites('BGP bench (router)', bgpRouterNeeds())) {
  header();
  await routerBench();
}
if (needsCluster && checkPrerequisites('BGP bench', bgpLabNeeds())) {
  header();
  const lab = await startBgpLab({ spareRouterHosts: 1 });
  try {
    await lab.cluster.kubectl(
      ['apply', '-f', '-'],
      bgpConfigYaml(lab.routerHost.ipv4, '198.18.112.200', '198.18.112.250'),
    );
    const app = await deployQuickstartApp(lab.cluster);
    await lab.routes.waitFor(`${app.loadBalancerIp}/32`, (hops) => hops.length === 3, 60_000);
    if (sections.has('announce')) await announceBench(lab, app);
    if (sections.has('bfd')) await bfdBench(lab, app);
    if (sections.has('scale')) await scaleBench(lab, app);
  } finally {
    await lab.destroy();
  }
  console.log(
    `\nload average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
}
