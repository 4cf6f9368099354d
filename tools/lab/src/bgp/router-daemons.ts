/**
 * The processes of a lab router: started inside the router's namespace (so the lab stops them on
 * destroy, also on Ctrl-C), their recent output kept for error messages, and stopped together.
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registerCleanup } from '../cleanup-registry.ts';
import { LabError } from '../lab-error.ts';
import type { LabHost } from '../lab-host.ts';

/** Why 20 s: FRR and BIRD answer their control sockets within a second; more is a failure. */
const startTimeoutMs = 20_000;

export type RouterDaemons = {
  /** Configuration, sockets and pid files. */
  readonly dir: string;
  readonly processes: ChildProcess[];
  spawn(command: string, args: readonly string[]): ChildProcess;
  /** Resolves once `probe` holds; otherwise stops everything and throws with the daemons' output. */
  waitUntil(what: string, probe: () => Promise<boolean>): Promise<void>;
  stop(): Promise<void>;
};

export function createRouterDaemons(host: LabHost, kind: string): RouterDaemons {
  const dir = mkdtempSync(path.join(tmpdir(), `bmlb-bgpl-${kind}-`));
  // FRR drops privileges to its own user, which must reach the sockets here.
  chmodSync(dir, 0o755);
  const unregister = registerCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const processes: ChildProcess[] = [];
  let output = '';
  const stop = async () => {
    await Promise.all(
      processes.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
            child.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    unregister();
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    processes,
    spawn(command, args) {
      const child = host.spawn(command, args);
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-8000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      processes.push(child);
      return child;
    },
    async waitUntil(what, probe) {
      const deadline = performance.now() + startTimeoutMs;
      for (;;) {
        const exited = processes.find((p) => p.exitCode !== null || p.signalCode !== null);
        if (exited === undefined && (await probe().catch(() => false))) return;
        if (exited !== undefined || performance.now() > deadline) {
          await stop();
          throw new LabError(
            'ERR_LAB_ROUTER_START',
            `${kind}: ${exited === undefined ? `timed out waiting for ${what}` : 'a daemon exited'}:\n${output}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop,
  };
}
