/**
 * Regenerates test/vectors from real BGP traffic between BIRD 2, FRR and GoBGP (scripts/bgp-lab.ts;
 * needs root, iproute2, tcpdump, bird2, frr, gobgpd): sessions come up, each router announces
 * IPv4 and IPv6 prefixes with communities, large communities, MED and (iBGP) LOCAL_PREF, route
 * refresh is requested, the routes are withdrawn and one session is shut down (NOTIFICATION).
 * Writes test/vectors/capture.pcap and one `<sender>-<n>-<kind>.hex` per distinct message.
 *
 *   npm run vectors -w @baremetal-lb/bgp-wire
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatVectorFile } from '@baremetal-lb/arp-wire/testing';
import { decodeBgpMessage } from '../src/bgp-message.ts';
import { endOfRibFamily } from '../src/end-of-rib.ts';
import { MessageFramer } from '../src/message-framer.ts';
import { splitMessageFields } from '../src/testing/message-fields.ts';
import { readTcpStreams } from '../src/testing/tcp-streams.ts';
import { VECTORS_DIR } from '../src/testing/vector-file.ts';
import { BgpLab, ROUTERS, type RouterName } from './bgp-lab.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type CapturedMessage = {
  readonly sender: RouterName;
  readonly stream: string;
  readonly bytes: Uint8Array;
};
export type Capture = {
  readonly pcap: Uint8Array;
  readonly messages: readonly CapturedMessage[];
  readonly log: string[];
};

function senderOf(address: string): RouterName | undefined {
  const bare = address.replace(/^\[|\]?:\d+$/g, '');
  for (const [name, router] of Object.entries(ROUTERS))
    if (router.v4 === bare || router.v6 === bare) return name as RouterName;
  return undefined;
}

/** Every BGP message in `pcap`, cut from its reassembled TCP stream, in stream order. */
export function messagesOf(pcap: Uint8Array): CapturedMessage[] {
  const messages: CapturedMessage[] = [];
  for (const stream of readTcpStreams(pcap)) {
    const sender = senderOf(stream.source);
    if (sender === undefined) continue;
    const framer = new MessageFramer(65535);
    framer.push(stream.bytes);
    for (let m = framer.next(); m !== undefined; m = framer.next()) {
      messages.push({ sender, stream: stream.key, bytes: Uint8Array.from(m) });
    }
  }
  return messages;
}

/** Runs the scenario and returns the capture. Cleans up, also on failure. */
export async function captureBgpTraffic(): Promise<Capture> {
  const lab = new BgpLab();
  const log: string[] = [];
  try {
    await lab.start();
    const state = await lab.waitEstablished(60_000);
    log.push(`established: ${JSON.stringify(state)}`);
    await sleep(3000);
    lab.gobgp(
      'global',
      'rib',
      '-a',
      'ipv4',
      'add',
      '203.0.113.128/25',
      'origin',
      'egp',
      'med',
      '20',
      'local-pref',
      '300',
      'community',
      '65010:200,no-export',
      'large-community',
      '65010:3:4',
    );
    lab.gobgp('global', 'rib', '-a', 'ipv6', 'add', '2001:db8:c::/48', 'community', '65010:600');
    await sleep(2000);
    // Route refresh: BIRD and FRR negotiate enhanced route refresh (RFC 7313) with each other,
    // plain route refresh with GoBGP, whose own soft reset re-reads its Adj-RIB-In instead.
    lab.birdc('reload', 'in', 'frr4');
    lab.birdc('reload', 'in', 'gobgp4');
    lab.vtysh(`clear bgp ipv6 unicast ${ROUTERS.bird.v6} soft in`);
    await sleep(2000);
    // Withdrawals: NLRI-field withdrawals for IPv4, MP_UNREACH_NLRI for IPv6.
    lab.gobgp('global', 'rib', '-a', 'ipv4', 'del', '203.0.113.128/25');
    lab.gobgp('global', 'rib', '-a', 'ipv6', 'del', '2001:db8:c::/48');
    lab.birdc('disable', 's4');
    lab.birdc('disable', 's6');
    lab.vtysh(
      'configure terminal',
      `router bgp ${ROUTERS.frr.as}`,
      'address-family ipv4 unicast',
      'no network 198.18.2.0/24',
    );
    lab.vtysh(
      'configure terminal',
      `router bgp ${ROUTERS.frr.as}`,
      'address-family ipv6 unicast',
      'no network 2001:db8:b::/48',
    );
    await sleep(2000);
    // A Cease NOTIFICATION (administrative shutdown, RFC 8203 message).
    lab.birdc('disable', 'gobgp4', '"bgp-wire capture"');
    await sleep(1500);
    return { pcap: lab.capture(), messages: messagesOf(lab.capture()), log };
  } finally {
    await lab.stop();
    lab.removeFiles();
  }
}

/** A short name for what `bytes` is: open, keepalive, update-ipv4, withdraw-ipv6, eor-ipv6, ... */
export function kindOf(bytes: Uint8Array): string {
  const message = decodeBgpMessage(bytes, 0, bytes.length, { fourOctetAs: true, maxMessageLength: 65535 });
  switch (message.type) {
    case 1:
      return 'open';
    case 3:
      return `notification-${message.code}-${message.subcode}`;
    case 4:
      return 'keepalive';
    case 5:
      return `route-refresh-${message.subtype}`;
    default: {
      const eor = endOfRibFamily(message);
      if (eor) return `eor-${eor.afi === 1 ? 'ipv4' : 'ipv6'}`;
      const mp = message.attributes.find((a) => a.kind === 'mpReachNlri' || a.kind === 'mpUnreachNlri');
      const family =
        mp?.kind === 'mpReachNlri' || mp?.kind === 'mpUnreachNlri'
          ? mp.afi === 1
            ? 'ipv4'
            : 'ipv6'
          : 'ipv4';
      const announces = message.nlri.length > 0 || mp?.kind === 'mpReachNlri';
      return `${announces ? 'update' : 'withdraw'}-${family}`;
    }
  }
}

/** First line of `command --version` (BIRD prints it on stderr). */
function toolVersion(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`.split('\n')[0]!.trim();
}

async function main(): Promise<void> {
  const capture = await captureBgpTraffic();
  console.log(capture.log.join('\n'));
  writeFileSync(path.join(VECTORS_DIR, 'capture.pcap'), capture.pcap);
  const seen = new Set<string>();
  const counters = new Map<string, number>();
  const versions = [
    ['bird', '--version'],
    ['gobgpd', '--version'],
    ['/usr/lib/frr/bgpd', '--version'],
  ].map(([command, ...args]) => toolVersion(command!, args));
  for (const { sender, stream, bytes } of capture.messages) {
    // Distinct per sender, so each router keeps its own copy of a message others also send.
    const key = `${sender} ${Buffer.from(bytes).toString('hex')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const kind = kindOf(bytes);
    const n = (counters.get(`${sender}-${kind}`) ?? 0) + 1;
    counters.set(`${sender}-${kind}`, n);
    const name = `${sender}-${kind}-${n}`;
    const note = [
      `${name}: ${bytes.length} bytes sent by ${sender} on ${stream}.`,
      `Captured ${new Date().toISOString().slice(0, 10)} by scripts/capture-vectors.ts (tcpdump on a bridge`,
      'between BIRD, FRR bgpd and GoBGP in private network namespaces; see scripts/bgp-lab.ts).',
      `Tools (Debian packages): ${versions.join(', ')}.`,
      'One protocol field per line.',
    ];
    writeFileSync(path.join(VECTORS_DIR, `${name}.hex`), formatVectorFile(note, splitMessageFields(bytes)));
  }
  console.log(`${seen.size} distinct messages of ${capture.messages.length}`);
}

if (import.meta.filename === process.argv[1]) await main();
