/**
 * A plain BGP speaker process in a node's namespace: packages/bgp's `bench/route-announcer.ts`
 * (BgpSpeaker sessions, BFD from @baremetal-lb/bfd), driven over stdin/stdout. The lab runs it to
 * test the router harness and to measure the routers without Kubernetes; the lab cannot import
 * @baremetal-lb/bgp (its tests depend on the lab), so it runs the script, as it runs the apps.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { nodeBinary, repoRoot } from '../cluster/api-server-process.ts';
import { LabError } from '../lab-error.ts';
import type { LabHost } from '../lab-host.ts';
import type { RouterBfd } from './lab-router.ts';

const script = path.join(repoRoot, 'packages/bgp/bench/route-announcer.ts');

export type AnnouncerOptions = {
  readonly asn: number;
  readonly peers: readonly { readonly address: string; readonly asn: number }[];
  readonly bfd?: RouterBfd;
  readonly holdTimeSeconds?: number;
};

export type RouteAnnouncer = {
  readonly host: LabHost;
  readonly process: ChildProcess;
  /** Resolves with the first output line (past or future) matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  announce(prefixes: readonly string[]): void;
  withdraw(prefixes: readonly string[]): void;
  /** Resolves when the process has exited, with performance.now() of the exit. */
  readonly exited: Promise<number>;
};

export function spawnRouteAnnouncer(host: LabHost, options: AnnouncerOptions): RouteAnnouncer {
  const args = [
    '--conditions=@baremetal-lb/source',
    script,
    '--local',
    host.ipv4,
    '--asn',
    String(options.asn),
    ...options.peers.flatMap((p) => ['--peer', `${p.address}:${p.asn}`]),
    ...(options.bfd === undefined ? [] : ['--bfd', `${options.bfd.intervalMs}x${options.bfd.multiplier}`]),
    ...(options.holdTimeSeconds === undefined ? [] : ['--hold', String(options.holdTimeSeconds)]),
  ];
  const child = host.spawn(nodeBinary, args);
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    lines.push(...complete);
    for (const waiter of [...waiters]) waiter();
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
  const send = (line: string) => child.stdin?.write(`${line}\n`);
  return {
    host,
    process: child,
    exited,
    announce: (prefixes) => send(`announce ${prefixes.join(' ')}`),
    withdraw: (prefixes) => send(`withdraw ${prefixes.join(' ')}`),
    waitForLine(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find((l) => pattern.test(l));
          if (line === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new LabError(
              'ERR_LAB_TIMEOUT',
              `route announcer in ${host.name}: no line matching ${pattern} within ${timeoutMs} ms\n${lines.slice(-10).join('\n')}\n${errors}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
  };
}
