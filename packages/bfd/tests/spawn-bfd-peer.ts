/** Starts tests/bfd-peer-process.ts and follows its events. */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { EndpointStats, SessionInfo, SessionSpec, StateChange } from '../src/bfd-endpoint.ts';

export type BfdPeerProcess = {
  readonly child: ChildProcess;
  readonly changes: StateChange[];
  /** Resolves with the first change matching `predicate` (already seen ones count). */
  waitForChange(predicate: (change: StateChange) => boolean, timeoutMs: number): Promise<StateChange>;
  sessions(): Promise<{ sessions: SessionInfo[]; stats: EndpointStats }>;
  kill(): void;
  stop(): Promise<void>;
};

type Spec = Omit<SessionSpec, 'auth'> & { auth?: { type: number; keyId: number; secret: string } };

export async function spawnBfdPeer(netns: string, spec: Spec): Promise<BfdPeerProcess> {
  const script = path.join(import.meta.dirname, 'bfd-peer-process.ts');
  const child = spawn(process.execPath, ['--conditions=@baremetal-lb/source', script, JSON.stringify({ netns, spec })], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const changes: StateChange[] = [];
  const waiters = new Set<() => void>();
  let sessionsReply: ((value: { sessions: SessionInfo[]; stats: EndpointStats }) => void) | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bfd peer process exited ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'ready') resolve();
      if (message.event === 'change') {
        changes.push(message.change);
        for (const waiter of waiters) waiter();
      }
      if (message.event === 'sessions') sessionsReply?.(message);
    });
  });
  await ready;
  return {
    child,
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
          reject(new Error(`no matching BFD state change within ${timeoutMs} ms: ${JSON.stringify(changes)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    sessions() {
      return new Promise((resolve) => {
        sessionsReply = resolve;
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
