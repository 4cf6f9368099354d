/**
 * Real BFD peers for the interop tests: FRR's bfdd and BIRD 2's bfd protocol, each started in a
 * lab host's network namespace with its own config and control socket in a temporary directory,
 * and read back through their own CLIs (`vtysh show bfd peers json`, `birdc show bfd sessions`).
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import type { LabHost } from '@baremetal-lb/lab';

const run = promisify(execFile);

export type RouterSession = {
  readonly state: 'up' | 'down' | 'init' | 'adminDown' | string;
  /** What the router negotiated: its transmit interval and detection time (ms), when shown. */
  readonly transmitIntervalMs: number;
  readonly detectionTimeMs: number;
  /** FRR only: the timers each side configured, as the router reports them. */
  readonly local?: { readonly receiveMs: number; readonly transmitMs: number; readonly multiplier: number };
  readonly remote?: { readonly receiveMs: number; readonly transmitMs: number; readonly multiplier: number };
};

export type RouterStateChange = {
  /** µs since the epoch (CLOCK_REALTIME, like tcpdump's timestamps). */
  readonly timeUs: number;
  readonly peer: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
};

/** Parses bfdd's "2026/12/04 19:10:22.741822 BFD: [..] state-change: [mhop:no peer:P ...] up -> down reason:R". */
export function parseFrrStateChange(line: string): RouterStateChange | undefined {
  const match =
    /^(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d)\.(\d{6}) BFD: \[[^\]]+\] state-change: \[[^\]]*peer:(\S+)[^\]]*\] (\S+) -> (\S+)(?: reason:(\S+))?/.exec(
      line,
    );
  if (match === null) return undefined;
  const [, year, month, day, clock, micros, peer, from, to, reason = ''] = match;
  const seconds = new Date(`${year}-${month}-${day}T${clock}`).getTime() / 1000;
  return { timeUs: seconds * 1e6 + Number(micros), peer: peer!, from: from!, to: to!, reason };
}

export interface RouterPeer {
  readonly name: 'frr' | 'bird';
  readonly process: ChildProcess;
  session(): Promise<RouterSession | undefined>;
  /** FRR: the state changes bfdd logged, with its microsecond wall-clock timestamps. */
  readonly stateChanges?: readonly RouterStateChange[];
  /** FRR: sessions Up and Down events summed over all peers (`show bfd peers counters json`). */
  counters?(): Promise<{
    readonly up: number;
    readonly sessionDown: number;
    readonly sessionDownByPeer: Readonly<Record<string, number>>;
  }>;
  /** SIGKILL: no AdminDown, no goodbye. */
  kill(): void;
  stop(): Promise<void>;
}

export type RouterBfdOptions = {
  readonly peer: string;
  readonly local: string;
  readonly receiveMs: number;
  readonly transmitMs: number;
  readonly multiplier: number;
  readonly multihop?: boolean;
  /** FRR: run bfdd under SCHED_FIFO at this priority (`chrt -f`), so the router is not the weak side. */
  readonly realtimePriority?: number;
  /** FRR: one session per local address, all to `peer` (default [local]). */
  readonly locals?: readonly string[];
  /** FRR: more peers from `local`, each with its own intervals (multiplier as above). */
  readonly morePeers?: readonly { readonly peer: string; readonly intervalMs: number }[];
  /** BIRD only: meticulous keyed SHA1 with this key id and password. */
  readonly sha1?: { readonly keyId: number; readonly password: string };
};

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `bmlb-bfd-${prefix}-`));
}

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stopper(process: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (process.exitCode === null && process.signalCode === null) {
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
      if (process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

/** FRR's bfdd alone (no zebra needed for numbered peers), running as the `frr` user. */
export async function startFrrBfdd(host: LabHost, options: RouterBfdOptions): Promise<RouterPeer> {
  const dir = tempDir('frr');
  const { stdout: ids } = await run('id', ['-u', 'frr']);
  const { stdout: gids } = await run('id', ['-g', 'frr']);
  chownSync(dir, Number(ids.trim()), Number(gids.trim()));
  const config = [
    // State changes with microsecond timestamps on stdout, for the detection measurements.
    'log timestamp precision 6',
    'debug bfd peer',
    'bfd',
    ...(options.locals ?? [options.local]).flatMap((local) => [
      ` peer ${options.peer}${options.multihop ? ' multihop' : ''} local-address ${local}`,
      `  receive-interval ${options.receiveMs}`,
      `  transmit-interval ${options.transmitMs}`,
      `  detect-multiplier ${options.multiplier}`,
      ' !',
    ]),
    ...(options.morePeers ?? []).flatMap(({ peer, intervalMs }) => [
      ` peer ${peer} local-address ${options.local}`,
      `  receive-interval ${intervalMs}`,
      `  transmit-interval ${intervalMs}`,
      `  detect-multiplier ${options.multiplier}`,
      ' !',
    ]),
    '!',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'bfdd.conf'), config);
  const chrt = options.realtimePriority === undefined ? [] : ['chrt', '-f', String(options.realtimePriority)];
  const [command = '', ...prefix] = [...chrt, '/usr/lib/frr/bfdd'];
  const process = host.spawn(command, [
    ...prefix,
    '-u',
    'frr',
    '-g',
    'frr',
    '--vty_socket',
    dir,
    '-z',
    path.join(dir, 'zserv.api'),
    '-i',
    path.join(dir, 'bfdd.pid'),
    '-f',
    path.join(dir, 'bfdd.conf'),
    '--bfdctl',
    path.join(dir, 'bfdd.sock'),
    '-P',
    '0',
    '--log',
    'stdout',
  ]);
  const stateChanges: RouterStateChange[] = [];
  createInterface({ input: process.stdout! }).on('line', (line) => {
    const change = parseFrrStateChange(line);
    if (change !== undefined) stateChanges.push(change);
  });
  process.stderr?.resume();
  type FrrPeer = Record<string, number | string | boolean>;
  const peers = async (command = 'show bfd peers json'): Promise<FrrPeer[]> => {
    const { stdout } = await run('vtysh', ['--vty_socket', dir, '-c', command]);
    return JSON.parse(stdout) as FrrPeer[];
  };
  await waitFor(async () => ((await peers()).length > 0 ? true : undefined), 10_000);
  return {
    name: 'frr',
    process,
    stateChanges,
    async session() {
      const peer = (await peers()).find((p) => p.peer === options.peer);
      if (peer === undefined) return undefined;
      const local = {
        receiveMs: Number(peer['receive-interval']),
        transmitMs: Number(peer['transmit-interval']),
        multiplier: Number(peer['detect-multiplier']),
      };
      const remote = {
        receiveMs: Number(peer['remote-receive-interval']),
        transmitMs: Number(peer['remote-transmit-interval']),
        multiplier: Number(peer['remote-detect-multiplier']),
      };
      return {
        state: String(peer.status),
        transmitIntervalMs: Math.max(local.transmitMs, remote.receiveMs),
        detectionTimeMs: remote.multiplier * Math.max(local.receiveMs, remote.transmitMs),
        local,
        remote,
      };
    },
    async counters() {
      const all = await peers();
      const counters = await peers('show bfd peers counters json');
      return {
        up: all.filter((p) => p.status === 'up').length,
        sessionDown: counters.reduce((sum, p) => sum + Number(p['session-down']), 0),
        sessionDownByPeer: Object.fromEntries(
          counters.map((p) => [String(p.peer), Number(p['session-down'])]),
        ),
      };
    },
    kill: () => process.kill('SIGKILL'),
    stop: stopper(process, dir),
  };
}

/** BIRD 2 with only the device and bfd protocols. */
export async function startBird(host: LabHost, options: RouterBfdOptions): Promise<RouterPeer> {
  const dir = tempDir('bird');
  const socket = path.join(dir, 'bird.ctl');
  const auth = options.sha1
    ? [
        `    authentication meticulous keyed sha1;`,
        `    password "${options.sha1.password}" { id ${options.sha1.keyId}; };`,
      ]
    : [];
  const config = [
    `router id ${options.local.includes(':') ? '198.51.100.254' : options.local};`,
    'protocol device {}',
    'protocol bfd {',
    `  ${options.multihop ? 'multihop' : 'interface "*"'} {`,
    `    min rx interval ${options.receiveMs} ms;`,
    `    min tx interval ${options.transmitMs} ms;`,
    `    multiplier ${options.multiplier};`,
    ...auth,
    '  };',
    `  neighbor ${options.peer} local ${options.local}${options.multihop ? ' multihop on' : ''};`,
    '}',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'bird.conf'), config);
  const process = host.spawn('bird', [
    '-f',
    '-c',
    path.join(dir, 'bird.conf'),
    '-s',
    socket,
    '-P',
    path.join(dir, 'bird.pid'),
  ]);
  process.stdout?.resume();
  process.stderr?.resume();
  const show = async () => (await run('birdc', ['-s', socket, 'show', 'bfd', 'sessions'])).stdout;
  await waitFor(async () => ((await show()).includes(options.peer) ? true : undefined), 10_000);
  return {
    name: 'bird',
    process,
    async session() {
      // "198.51.100.11   eth0   Up   19:02:28.930   0.050   0.150": interval and timeout in s.
      const line = (await show()).split('\n').find((l) => l.trim().startsWith(options.peer));
      if (line === undefined) return undefined;
      const fields = line.trim().split(/\s+/);
      const [state = '', , interval = '0', timeout = '0'] = fields.slice(2);
      return {
        state: state.toLowerCase(),
        transmitIntervalMs: Math.round(Number(interval) * 1000),
        detectionTimeMs: Math.round(Number(timeout) * 1000),
      };
    },
    kill: () => process.kill('SIGKILL'),
    stop: stopper(process, dir),
  };
}

export { waitFor };
