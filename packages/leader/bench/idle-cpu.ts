/**
 * Idle CPU of membership alone, against the floor of Node doing the same I/O: MEMBERS processes
 * on loopback, each running one variant, and each process's CPU read over SECONDS from
 * /proc/PID/stat (all threads: utime + stime, which the kernel scales to the precise runtime) and
 * the main thread's from /proc/PID/schedstat (ns on a CPU). Variants:
 *
 * - `membership`: a real Membership over UdpTransport, default config (probe every 50 ms);
 * - `offload`: the same over packet-socket's native membership link (as the speaker runs it): the
 *   steady state's pings, acks and probes are handled on its thread without waking JavaScript;
 * - `echo`: the same datagram cadence with no protocol (each process sends a 100-byte datagram to
 *   the next every 50 ms, and echoes each one it receives), so the difference is what membership
 *   adds to what Node itself costs per datagram;
 * - `timers`: two 50 ms timers and a 20 ms one per probe interval, no I/O;
 * - `memberlist-1s` and `memberlist-50ms`: the reference, hashicorp/memberlist v0.5.4 as MetalLB's
 *   speaker runs it (`DefaultLANConfig` with a secret key; probe every 1 s), and the same probing
 *   every 50 ms like ours (probe timeout 20 ms): `bench/memberlist-idle/main.go`, built with Go
 *   when these variants are asked for (`VARIANTS=membership,memberlist-1s,memberlist-50ms`).
 *
 *   node --conditions=@baremetal-lb/source bench/idle-cpu.ts   (VARIANTS=membership,echo SECONDS=30)
 *
 * BEFORE_SRC=/other/checkout/packages/leader/src adds `membership-before`: the same with that
 * checkout's code, measured right before this one's (a before/after of a change in one run).
 *
 * Prints a table; asserts nothing. Loopback only.
 */
import { type ChildProcess, execFileSync, fork, spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { openMembershipLink } from '@baremetal-lb/packet-socket';
import * as current from '../src/index.ts';

const members = Number(process.env.MEMBERS ?? 3);
const seconds = Number(process.env.SECONDS ?? 30);
const rounds = Number(process.env.ROUNDS ?? 1);
const variants = (
  process.env.VARIANTS ??
  `${process.env.BEFORE_SRC === undefined ? '' : 'membership-before,'}membership,offload,echo,timers`
).split(',');
/** Extra Node/V8 flags for the member processes, e.g. CHILD_FLAGS="--single-threaded". */
const childFlags = (process.env.CHILD_FLAGS ?? '').split(' ').filter((f) => f !== '');
const basePort = Number(process.env.BASE_PORT ?? 17_946);
const clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secret = 'bench-secret-0123456789abcdef';

async function child(variant: string, index: number): Promise<void> {
  const port = basePort + index;
  const seeds = Array.from({ length: members }, (_, i) => `127.0.0.1:${basePort + i}`);
  if (variant === 'offload') {
    const offload = openMembershipLink({ host: '127.0.0.1', port });
    new current.Membership({ name: `m${index}`, offload, secrets: [secret], seeds }).start();
  } else if (variant === 'membership' || variant === 'membership-before') {
    const source = process.env.BEFORE_SRC;
    const { Membership, UdpTransport }: typeof current =
      variant === 'membership' || source === undefined
        ? current
        : await import(path.join(path.resolve(source), 'index.ts'));
    const transport = await UdpTransport.bind({ host: '127.0.0.1', port });
    new Membership({ name: `m${index}`, transport, secrets: [secret], seeds }).start();
  } else if (variant === 'echo') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(port, '127.0.0.1', resolve));
    const payload = Buffer.alloc(100);
    const next = basePort + ((index + 1) % members);
    socket.on('message', (msg, rinfo) => {
      if (msg[0] === 0) socket.send(Buffer.from([1, ...msg.subarray(1)]), rinfo.port, rinfo.address);
    });
    setInterval(() => socket.send(payload, next, '127.0.0.1'), 50);
    setInterval(() => {}, 20);
  } else {
    setInterval(() => {}, 50);
    setInterval(() => {}, 50);
    setInterval(() => {}, 20);
  }
  // Exit on SIGTERM so that --cpu-prof (in CHILD_FLAGS) writes its profile.
  process.once('SIGTERM', () => process.exit(0));
  process.send?.('ready');
  setInterval(() => {}, 1 << 30);
}

async function cpuSeconds(pid: number): Promise<{ stat: number; schedstat: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const schedstat = (await readFile(`/proc/${pid}/schedstat`, 'utf8')).split(' ');
  return {
    stat: (Number(stat[11]) + Number(stat[12])) / clockTicks,
    schedstat: Number(schedstat[0]) / 1e9,
  };
}

const memberlistDir = path.join(import.meta.dirname, 'memberlist-idle');

/** Starts member `index` of a memberlist variant; resolves once it printed "ready". */
async function startMemberlist(variant: string, index: number): Promise<ChildProcess> {
  const probeMs = variant === 'memberlist-50ms' ? '50' : '0';
  const seeds = Array.from({ length: index }, (_, i) => String(basePort + i));
  const c = spawn(
    path.join(memberlistDir, 'memberlist-idle'),
    [`m${index}`, String(basePort + index), probeMs, ...seeds],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve) => c.stdout!.once('data', resolve));
  return c;
}

async function measure(variant: string): Promise<{ stat: number[]; schedstat: number[] }> {
  const children: ChildProcess[] = [];
  for (let i = 0; i < members; i++) {
    if (variant.startsWith('memberlist-')) {
      children.push(await startMemberlist(variant, i));
      continue;
    }
    const c = fork(import.meta.filename, [variant, String(i)], {
      execArgv: [...process.execArgv, ...childFlags],
      stdio: 'inherit',
    });
    await new Promise((resolve) => c.once('message', resolve));
    children.push(c);
  }
  await sleep(5_000);
  const pids = children.map((c) => c.pid!);
  const before = await Promise.all(pids.map(cpuSeconds));
  await sleep(seconds * 1000);
  const after = await Promise.all(pids.map(cpuSeconds));
  await Promise.all(children.map((c) => new Promise((resolve) => c.once('exit', resolve).kill('SIGTERM'))));
  const perMinute = (key: 'stat' | 'schedstat') =>
    after.map((a, i) => ((a[key] - before[i]![key]) * 60) / seconds);
  return { stat: perMinute('stat'), schedstat: perMinute('schedstat') };
}

if (process.argv[2] !== undefined) {
  await child(process.argv[2], Number(process.argv[3]));
} else {
  if (variants.some((v) => v.startsWith('memberlist-'))) {
    execFileSync('go', ['build', '-o', 'memberlist-idle', '.'], { cwd: memberlistDir, stdio: 'inherit' });
  }
  const range = (v: number[]) => `${Math.min(...v).toFixed(3)}–${Math.max(...v).toFixed(3)}`;
  const results = new Map(variants.map((v) => [v, { stat: [] as number[], schedstat: [] as number[] }]));
  // Rounds interleave the variants, so drifting load on a shared machine hits all alike.
  for (let round = 0; round < rounds; round++) {
    for (const v of variants) {
      const r = await measure(v);
      results.get(v)!.stat.push(...r.stat);
      results.get(v)!.schedstat.push(...r.schedstat);
    }
  }
  console.log(
    `\nIdle CPU per process, ${members} members on loopback, ${rounds} × ${seconds} s (${cpus().length} CPUs, Node ${process.version}, load average ${loadavg()[0]!.toFixed(2)}, flags: ${childFlags.join(' ') || 'none'})\n`,
  );
  console.log('| variant | CPU-s/min (/proc/PID/stat) | median | main thread (schedstat) | median |');
  console.log('|---|---|---|---|---|');
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!.toFixed(3);
  for (const [v, r] of results)
    console.log(
      `| ${v} | ${range(r.stat)} | ${median(r.stat)} | ${range(r.schedstat)} | ${median(r.schedstat)} |`,
    );
}
