/**
 * A BGP speaker in one process, for labs and benchmarks that need "a node announcing routes"
 * without Kubernetes: `BgpSpeaker` sessions to one or more routers, each optionally watched by BFD
 * (`@baremetal-lb/bfd`), announcing the /32s it is told to on stdin. Run it inside a node's
 * network namespace (tools/lab spawns it so; the lab cannot import this package: its tests
 * depend on the lab).
 *
 *   node route-announcer.ts --local 198.18.110.11 --asn 64500 --peer 198.18.110.14:64501 \
 *        [--peer ...] [--bfd 50x3] [--hold 90]
 *
 * stdin, one command a line: `announce <prefix>...`, `withdraw <prefix>...`.
 * stdout: `ready`, `established <peer>`, `down <peer>`, `bfd <peer> up|down`, `announced <n>`.
 * SIGTERM withdraws every route, then closes the sessions (Cease) and exits 0, like a speaker
 * shutting down cleanly; SIGKILL is a power cut.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { BfdState, BfdWorker } from '@baremetal-lb/bfd';
import { BgpSpeaker } from '../src/bgp-speaker.ts';
import { SessionState } from '../src/session-state.ts';
import { createTcpTransport } from '../src/tcp-transport.ts';

const { values } = parseArgs({
  options: {
    local: { type: 'string' },
    asn: { type: 'string' },
    peer: { type: 'string', multiple: true },
    bfd: { type: 'string' },
    hold: { type: 'string' },
  },
});
const local = values.local;
const asn = Number(values.asn);
const peers = (values.peer ?? []).map((p) => {
  const [address, peerAsn] = p.split(':');
  return { address: address ?? '', asn: Number(peerAsn) };
});
const bfdMatch = values.bfd === undefined ? undefined : /^(\d+)x(\d+)$/.exec(values.bfd);
if (local === undefined || !Number.isInteger(asn) || peers.length === 0 || bfdMatch === null) {
  process.stderr.write(
    'usage: route-announcer.ts --local IP --asn N --peer IP:ASN... [--bfd MSxMULT] [--hold S]\n',
  );
  process.exit(2);
}
const say = (line: string) => process.stdout.write(`${line}\n`);

const speaker = new BgpSpeaker({ localAsn: asn, routerId: local, transport: createTcpTransport() });
const bfd = bfdMatch === undefined ? undefined : await BfdWorker.start({ listenAddress: { 4: local } });
const sessions = peers.map(({ address, asn: peerAsn }) => {
  const peer = speaker.addPeer({
    peerAddress: address,
    peerAsn,
    localAddress: local,
    holdTimeSeconds: values.hold === undefined ? 90 : Number(values.hold),
    ipv6: false,
    // The lab restarts routers and nodes: retry within 0.2–2 s, not the default 1–120 s.
    backoff: { initialMs: 200, maxMs: 2000 },
  });
  peer.on('state', (state, previous) => {
    if (state === SessionState.established) say(`established ${address}`);
    else if (previous === SessionState.established) say(`down ${address}`);
  });
  return peer;
});
if (bfd !== undefined && bfdMatch !== undefined) {
  bfd.onStateChange((change) => {
    say(`bfd ${change.peerAddress} ${change.to === BfdState.up ? 'up' : 'down'}`);
    if (change.from === BfdState.up && change.to === BfdState.down)
      speaker.peer(change.peerAddress)?.bfdDown();
  });
  for (const { address } of peers) {
    await bfd.addSession({
      peerAddress: address,
      localAddress: local,
      receiveIntervalMs: Number(bfdMatch[1]),
      transmitIntervalMs: Number(bfdMatch[1]),
      detectMultiplier: Number(bfdMatch[2]),
    });
  }
}
for (const peer of sessions) peer.start();

const announced = new Set<string>();
createInterface({ input: process.stdin }).on('line', (line) => {
  const [verb, ...prefixes] = line.trim().split(/\s+/);
  if (verb === 'announce') {
    for (const prefix of prefixes) announced.add(prefix);
    for (const peer of sessions) peer.announce(...prefixes.map((prefix) => ({ prefix })));
  } else if (verb === 'withdraw') {
    for (const prefix of prefixes) announced.delete(prefix);
    for (const peer of sessions) peer.withdraw(...prefixes);
  }
  say(`announced ${announced.size}`);
});

process.once('SIGTERM', async () => {
  for (const peer of sessions) peer.withdraw(...announced);
  // The withdrawals leave in a microtask; give the sockets a moment to flush before Cease.
  await new Promise((resolve) => setTimeout(resolve, 50));
  speaker.close();
  await bfd?.close();
  process.exit(0);
});
say('ready');
