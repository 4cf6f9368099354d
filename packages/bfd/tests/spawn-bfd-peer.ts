/** Starts tests/bfd-peer-process.ts and follows its events. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { EndpointStats, SessionInfo, StateChange } from '../src/bfd-endpoint.ts';
import type { PeerProcessOptions } from './bfd-peer-process.ts';

export type PeerReport = {
  readonly sessions: SessionInfo[];
  readonly stats: EndpointStats;
  readonly cpuUs: NodeJS.CpuUsage;
  readonly memory: NodeJS.MemoryUsage;
  /** ARP/NDP requests the process answered (with `responder`). */
  readonly answered: number;
};

export type BfdPeerProcess = {
  readonly child: ChildProcess;
  /** "worker, normal", "worker, SCHED_FIFO 10" or "main thread". */
  readonly scheduling: string;
  readonly changes: StateChange[];
  /** Resolves with the first change matching `predicate` (already seen ones count). */
  waitForChange(predicate: (change: StateChange) => boolean, timeoutMs: number): Promise<StateChange>;
  report(): Promise<PeerReport>;
  kill(): void;
  stop(): Promise<void>;
};

type Spec = PeerProcessOptions['specs'][number];

/** One session to one peer, in a worker thread (timed by BfdWorker's default pacer unless `pacer`). */
export function spawnBfdPeer(netns: string, spec: Spec, pacer?: 'native' | 'js'): Promise<BfdPeerProcess> {
  return spawnBfdProcess({ netns, specs: [spec], ...(pacer === undefined ? {} : { pacer }) });
}

export async function spawnBfdProcess(options: PeerProcessOptions): Promise<BfdPeerProcess> {
  const script = path.join(import.meta.dirname, 'bfd-peer-process.ts');
  const child = spawn(
    process.execPath,
    ['--conditions=@baremetal-lb/source', script, JSON.stringify(options)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const changes: StateChange[] = [];
  const waiters = new Set<() => void>();
  let reply: ((value: PeerReport) => void) | undefined;
  let scheduling = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bfd peer process exited ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'ready') {
        scheduling = message.scheduling;
        resolve();
      }
      if (message.event === 'change') {
        changes.push(message.change);
        for (const waiter of waiters) waiter();
      }
      if (message.event === 'sessions') reply?.(message);
    });
  });
  await ready;
  return {
    child,
    scheduling,
    changes,
    waitForChange(predicate, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = changes.find(predicate);
          if (found === undefined) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(`no matching BFD state change within ${timeoutMs} ms: ${JSON.stringify(changes)}`),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    report() {
      return new Promise((resolve) => {
        reply = resolve;
        child.stdin!.write('\n');
      });
    },
    kill: () => child.kill('SIGKILL'),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
