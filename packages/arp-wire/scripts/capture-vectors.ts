/**
 * Regenerates test/vectors/*.hex from real traffic (needs root, iproute2, iputils-arping, ndisc6,
 * tcpdump). Two network namespaces joined by a veth pair, documentation addresses only
 * (192.0.2.0/24, 198.51.100.0/24 on VLAN 100, 2001:db8::/32, RFC 7042 documentation MACs):
 * `arping` and `ndisc6` run in namespace A and the kernel in namespace B answers, while
 * `tcpdump -w` captures on A's veth end. Everything is removed again, also on failure.
 *
 *   npm run vectors -w @baremetal-lb/arp-wire
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { splitFrameFields } from '../src/testing/frame-fields.ts';
import { readPcap } from '../src/testing/pcap.ts';
import { formatVectorFile, VECTORS_DIR } from '../src/testing/vector-file.ts';

const id = `${process.pid}`;
const nsA = `arpwire-${id}-a`;
const nsB = `arpwire-${id}-b`;
const vethA = `awv${id}a`.slice(0, 15);
const vethB = `awv${id}b`.slice(0, 15);
const MAC_A = '00:00:5e:00:53:01';
const MAC_B = '00:00:5e:00:53:02';
const VLAN_ID = 100;

function run(command: string, ...args: string[]): string {
  return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function inA(...args: string[]): string {
  return run('ip', 'netns', 'exec', nsA, ...args);
}
function inB(...args: string[]): string {
  return run('ip', 'netns', 'exec', nsB, ...args);
}
/** Runs a client whose non-zero exit (no answer, DAD "address in use") is expected sometimes. */
function tolerate(action: () => unknown): void {
  try {
    action();
  } catch {
    // The capture, not the client's exit status, is what we keep.
  }
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether the kernel could create the 802.1Q sub-interfaces (many minimal kernels lack 8021q). */
let kernelVlan = true;

function setUp(): void {
  run('ip', 'netns', 'add', nsA);
  run('ip', 'netns', 'add', nsB);
  run(
    'ip',
    'link',
    'add',
    vethA,
    'netns',
    nsA,
    'address',
    MAC_A,
    'type',
    'veth',
    'peer',
    'name',
    vethB,
    'netns',
    nsB,
    'address',
    MAC_B,
  );
  for (const [exec, veth, last] of [
    [inA, vethA, '1'],
    [inB, vethB, '2'],
  ] as const) {
    exec('sysctl', '-q', `net.ipv6.conf.${veth}.ndisc_notify=1`);
    exec('ip', 'link', 'set', 'lo', 'up');
    exec('ip', 'link', 'set', veth, 'up');
    exec('ip', 'address', 'add', `192.0.2.${last}/24`, 'dev', veth);
    exec('ip', 'address', 'add', `2001:db8::${last}/64`, 'dev', veth, 'nodad');
    const vlan = `${veth.slice(0, 10)}.${VLAN_ID}`;
    try {
      exec('ip', 'link', 'add', 'link', veth, 'name', vlan, 'type', 'vlan', 'id', `${VLAN_ID}`);
    } catch {
      kernelVlan = false;
      continue;
    }
    exec('ip', 'link', 'set', vlan, 'up');
    exec('ip', 'address', 'add', `198.51.100.${last}/24`, 'dev', vlan);
    exec('ip', 'address', 'add', `2001:db8:100::${last}/64`, 'dev', vlan, 'nodad');
  }
}

function tearDown(): void {
  for (const ns of [nsA, nsB]) tolerate(() => run('ip', 'netns', 'del', ns));
}

async function startCapture(file: string): Promise<ChildProcess> {
  const tcpdump = spawn(
    'ip',
    ['netns', 'exec', nsA, 'tcpdump', '-i', vethA, '-U', '-n', '-w', file, 'arp or icmp6 or vlan'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    tcpdump.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('listening on')) resolve();
    });
    tcpdump.on('exit', (code) => reject(new Error(`tcpdump exited with ${code}`)));
  });
  return tcpdump;
}

async function generateTraffic(): Promise<void> {
  const vlanA = `${vethA.slice(0, 10)}.${VLAN_ID}`;
  tolerate(() => inA('arping', '-c', '1', '-w', '2', '-I', vethA, '192.0.2.2'));
  tolerate(() => inA('arping', '-U', '-c', '1', '-I', vethA, '-s', '192.0.2.1', '192.0.2.1'));
  tolerate(() => inA('arping', '-A', '-c', '1', '-I', vethA, '-s', '192.0.2.1', '192.0.2.1'));
  tolerate(() => inA('arping', '-D', '-c', '1', '-w', '2', '-I', vethA, '192.0.2.2'));
  if (kernelVlan) tolerate(() => inA('arping', '-c', '1', '-w', '2', '-I', vlanA, '198.51.100.2'));
  tolerate(() => inA('ndisc6', '-1', '-r', '1', '-w', '1000', '2001:db8::2', vethA));
  if (kernelVlan) tolerate(() => inA('ndisc6', '-1', '-r', '1', '-w', '1000', '2001:db8:100::2', vlanA));
  // Duplicate address detection: an address added without `nodad` is probed with an NS from ::
  // (RFC 4862 section 5.4.2); with ndisc_notify=1 the kernel then sends an unsolicited NA.
  inB('ip', 'address', 'add', '2001:db8::3/64', 'dev', vethB);
  await sleep(4000);
}

type Frame = Uint8Array;
const u16 = (f: Frame, at: number) => (f[at]! << 8) | f[at + 1]!;
const hex = (f: Frame, from: number, to: number) => Buffer.from(f.subarray(from, to)).toString('hex');
const isTagged = (f: Frame) => u16(f, 12) === 0x8100;
const l3 = (f: Frame) => (isTagged(f) ? 18 : 14);
const isArp = (f: Frame) => u16(f, l3(f) - 2) === 0x0806;
const arpOp = (f: Frame) => u16(f, l3(f) + 6);
const arpSenderIp = (f: Frame) => hex(f, l3(f) + 14, l3(f) + 18);
const arpTargetIp = (f: Frame) => hex(f, l3(f) + 24, l3(f) + 28);
const icmpType = (f: Frame) => (u16(f, l3(f) - 2) === 0x86dd && f[l3(f) + 6] === 58 ? f[l3(f) + 40] : -1);
const ipv6Source = (f: Frame) => hex(f, l3(f) + 8, l3(f) + 24);
const ipv6Destination = (f: Frame) => hex(f, l3(f) + 24, l3(f) + 40);
const ndpTarget = (f: Frame) => hex(f, l3(f) + 48, l3(f) + 64);
const IP_A = 'c0000201';
const IP_B = 'c0000202';
const V6_B = '20010db8000000000000000000000002';
const V6_DAD = '20010db8000000000000000000000003';
const V6_VLAN_B = '20010db8010000000000000000000002';
const UNSPECIFIED = '0'.repeat(32);
const ALL_NODES = 'ff020000000000000000000000000001';

/** Which captured frame becomes which vector, and what it shows. */
const SELECTORS: readonly { name: string; what: string; match: (f: Frame) => boolean }[] = [
  {
    name: 'arp-request',
    what: 'ARP request (arping 192.0.2.2)',
    match: (f) =>
      !isTagged(f) && isArp(f) && arpOp(f) === 1 && arpSenderIp(f) === IP_A && arpTargetIp(f) === IP_B,
  },
  {
    name: 'arp-reply',
    what: "ARP reply (namespace B's kernel)",
    match: (f) =>
      !isTagged(f) && isArp(f) && arpOp(f) === 2 && arpSenderIp(f) === IP_B && arpTargetIp(f) === IP_A,
  },
  {
    name: 'arp-gratuitous-request',
    what: 'gratuitous ARP request (arping -U)',
    match: (f) => isArp(f) && arpOp(f) === 1 && arpSenderIp(f) === IP_A && arpTargetIp(f) === IP_A,
  },
  {
    name: 'arp-gratuitous-reply',
    what: 'gratuitous ARP reply (arping -A)',
    match: (f) => isArp(f) && arpOp(f) === 2 && arpSenderIp(f) === IP_A && arpTargetIp(f) === IP_A,
  },
  {
    name: 'arp-probe',
    what: 'RFC 5227 ARP probe (arping -D)',
    match: (f) => isArp(f) && arpOp(f) === 1 && arpSenderIp(f) === '00000000',
  },
  {
    name: 'arp-request-vlan',
    what: 'ARP request on VLAN 100 (arping on the 802.1Q sub-interface)',
    match: (f) => isTagged(f) && isArp(f) && arpOp(f) === 1,
  },
  {
    name: 'arp-reply-vlan',
    what: 'ARP reply on VLAN 100',
    match: (f) => isTagged(f) && isArp(f) && arpOp(f) === 2,
  },
  {
    name: 'ndp-neighbor-solicitation',
    what: 'Neighbor Solicitation (ndisc6 2001:db8::2)',
    match: (f) => !isTagged(f) && icmpType(f) === 135 && ndpTarget(f) === V6_B,
  },
  {
    name: 'ndp-neighbor-advertisement',
    what: "solicited Neighbor Advertisement (namespace B's kernel)",
    match: (f) => !isTagged(f) && icmpType(f) === 136 && ndpTarget(f) === V6_B,
  },
  {
    name: 'ndp-neighbor-solicitation-vlan',
    what: 'Neighbor Solicitation on VLAN 100 (ndisc6 2001:db8:100::2)',
    match: (f) => isTagged(f) && icmpType(f) === 135 && ndpTarget(f) === V6_VLAN_B,
  },
  {
    name: 'ndp-neighbor-advertisement-vlan',
    what: 'solicited Neighbor Advertisement on VLAN 100',
    match: (f) => isTagged(f) && icmpType(f) === 136 && ndpTarget(f) === V6_VLAN_B,
  },
  {
    name: 'ndp-dad-solicitation',
    what: 'duplicate address detection NS from :: (ip address add 2001:db8::3/64 without nodad)',
    match: (f) => icmpType(f) === 135 && ipv6Source(f) === UNSPECIFIED && ndpTarget(f) === V6_DAD,
  },
  {
    name: 'ndp-unsolicited-advertisement',
    what: 'unsolicited NA to ff02::1 after DAD (net.ipv6.conf.*.ndisc_notify=1)',
    match: (f) => icmpType(f) === 136 && ipv6Destination(f) === ALL_NODES && ndpTarget(f) === V6_DAD,
  },
];

/** Inserts VLAN tags (outermost first) after the source MAC, as an 802.1Q/802.1ad bridge would. */
function insertTags(frame: Frame, tags: readonly { tpid: number; vid: number }[]): Frame {
  const tagBytes = tags.flatMap(({ tpid, vid }) => [tpid >>> 8, tpid & 0xff, vid >>> 8, vid & 0xff]);
  return Uint8Array.from([...frame.subarray(0, 12), ...tagBytes, ...frame.subarray(12)]);
}

const C_TAG = { tpid: 0x8100, vid: VLAN_ID };
const S_TAG = { tpid: 0x88a8, vid: 200 };
const describeTags = (tags: readonly { tpid: number; vid: number }[]) =>
  tags.map(({ tpid, vid }) => `TPID 0x${tpid.toString(16)} VID ${vid}`).join(' then ');
const padTo60 = (frame: Frame) =>
  Uint8Array.from([...frame, ...new Uint8Array(Math.max(0, 60 - frame.length))]);

/**
 * Vectors made from captured frames for what this setup cannot capture: QinQ (no Linux tool here
 * sends it), a frame padded to the 60-byte minimum as a NIC pads it (veth does not pad), and the
 * VLAN 100 vectors when the kernel has no 802.1Q support (`ip link add type vlan` fails).
 */
const DERIVED: readonly {
  name: string;
  from: string;
  how: string;
  make: (f: Frame) => Frame;
  onlyWithoutKernelVlan: boolean;
}[] = [
  {
    name: 'arp-request-vlan',
    from: 'arp-request',
    how: `tags inserted after the source MAC (${describeTags([C_TAG])})`,
    make: (f) => insertTags(f, [C_TAG]),
    onlyWithoutKernelVlan: true,
  },
  {
    name: 'arp-reply-vlan',
    from: 'arp-reply',
    how: `tags inserted after the source MAC (${describeTags([C_TAG])})`,
    make: (f) => insertTags(f, [C_TAG]),
    onlyWithoutKernelVlan: true,
  },
  {
    name: 'ndp-neighbor-solicitation-vlan',
    from: 'ndp-neighbor-solicitation',
    how: `tags inserted after the source MAC (${describeTags([C_TAG])})`,
    make: (f) => insertTags(f, [C_TAG]),
    onlyWithoutKernelVlan: true,
  },
  {
    name: 'ndp-neighbor-advertisement-vlan',
    from: 'ndp-neighbor-advertisement',
    how: `tags inserted after the source MAC (${describeTags([C_TAG])})`,
    make: (f) => insertTags(f, [C_TAG]),
    onlyWithoutKernelVlan: true,
  },
  {
    name: 'arp-request-qinq',
    from: 'arp-request',
    how: `tags inserted after the source MAC (${describeTags([S_TAG, C_TAG])}), as no tool here sends QinQ`,
    make: (f) => insertTags(f, [S_TAG, C_TAG]),
    onlyWithoutKernelVlan: false,
  },
  {
    name: 'arp-reply-padded',
    from: 'arp-reply',
    how: 'zero padding appended to the 60-byte Ethernet minimum, as a NIC pads it (veth does not)',
    make: padTo60,
    onlyWithoutKernelVlan: false,
  },
];

/** Frames picked from one capture, by vector name (captured ones only, none derived). */
export type Capture = {
  readonly frames: ReadonlyMap<string, Frame>;
  /** Whether the kernel had 802.1Q, so the *-vlan frames are real tagged traffic. */
  readonly kernelVlan: boolean;
  /** Kernel and tool versions, for the vector notes. */
  readonly versions: readonly string[];
  /** Selector names that matched no captured frame. */
  readonly missing: readonly string[];
};

/**
 * Sets up the namespaces, generates and captures the traffic, removes everything again, and
 * returns the frames the selectors picked. Needs root and the four tools.
 */
export async function captureFrames(): Promise<Capture> {
  const workDir = mkdtempSync(path.join(tmpdir(), 'arpwire-vectors-'));
  const pcapFile = path.join(workDir, 'capture.pcap');
  let tcpdump: ChildProcess | undefined;
  try {
    kernelVlan = true;
    setUp();
    tcpdump = await startCapture(pcapFile);
    await generateTraffic();
    await sleep(500);
    const exited = new Promise((resolve) => tcpdump?.on('exit', resolve));
    tcpdump.kill('SIGINT');
    await exited;
    const captured = readPcap(readFileSync(pcapFile));
    const versions = [
      `kernel ${run('uname', '-r').trim()}`,
      run('sh', '-c', 'arping -V 2>&1 | head -1').trim(),
      run('sh', '-c', 'ndisc6 -V 2>&1 | head -1').trim(),
      run('sh', '-c', 'tcpdump --version 2>&1 | head -1').trim(),
    ];
    const derivedNames = new Set(
      DERIVED.filter((d) => !kernelVlan || !d.onlyWithoutKernelVlan).map((d) => d.name),
    );
    const frames = new Map<string, Frame>();
    const missing: string[] = [];
    for (const selector of SELECTORS) {
      if (derivedNames.has(selector.name)) continue;
      const frame = captured.find(selector.match);
      if (frame === undefined) missing.push(selector.name);
      else frames.set(selector.name, frame);
    }
    return { frames, kernelVlan, versions, missing };
  } finally {
    tcpdump?.kill('SIGINT');
    tearDown();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Captures and (re)writes test/vectors/*.hex, the derived vectors included. */
async function writeVectors(): Promise<void> {
  const { frames, kernelVlan: tagged, versions, missing } = await captureFrames();
  if (missing.length > 0) throw new Error(`no captured frame for ${missing.join(', ')}`);
  const setting = [
    `Captured ${new Date().toISOString().slice(0, 10)} by scripts/capture-vectors.ts: tcpdump -w on a veth end between two`,
    `private network namespaces (A ${MAC_A} 192.0.2.1 2001:db8::1, B ${MAC_B} 192.0.2.2 2001:db8::2,`,
    `VLAN ${VLAN_ID}: 198.51.100.0/24, 2001:db8:100::/64).`,
    ...versions.map((version) => `${version}.`),
  ];
  const write = (name: string, note: string[], frame: Frame) => {
    const lines = [...note, `${frame.length} bytes; one protocol field per line.`];
    writeFileSync(path.join(VECTORS_DIR, `${name}.hex`), formatVectorFile(lines, splitFrameFields(frame)));
    console.log(`wrote ${name}.hex (${frame.length} bytes)`);
  };
  for (const selector of SELECTORS) {
    const frame = frames.get(selector.name);
    if (frame !== undefined) write(selector.name, [`${selector.name}: ${selector.what}.`, ...setting], frame);
  }
  for (const derived of DERIVED) {
    const source = frames.get(derived.from);
    if ((tagged && derived.onlyWithoutKernelVlan) || source === undefined) continue;
    const why = derived.onlyWithoutKernelVlan
      ? ', because this kernel has no 802.1Q support (ip link add type vlan: "Unknown device type")'
      : '';
    write(
      derived.name,
      [
        `${derived.name}: derived by this script from the captured ${derived.from} frame:`,
        `${derived.how}${why}.`,
        ...setting,
      ],
      derived.make(source),
    );
  }
}

if (import.meta.main) await writeVectors();
