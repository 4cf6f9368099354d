/** What the three router helpers share: the route shape, options, temp dirs, start and stop. */
import { type ChildProcess, execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

export const run = promisify(execFile);

/** A route as the router's RIB shows it, normalized across the three CLIs. */
export type RouterRoute = {
  readonly prefix: string;
  readonly nextHop: string;
  readonly asPath: readonly number[];
  readonly localPref: number | undefined;
  readonly communities: readonly string[];
  readonly largeCommunities: readonly string[];
};

export type RouterOptions = {
  readonly routerAsn: number;
  /** The router's own address (its router ID when IPv4) and ours. */
  readonly local: string;
  readonly peer: string;
  readonly peerAsn: number;
  readonly password?: string;
  readonly holdTimeSeconds?: number;
  /** eBGP multihop TTL. */
  readonly multihop?: number;
  /** RFC 4724 helper (and restarting speaker) with this restart time. */
  readonly gracefulRestartSeconds?: number;
  /** BIRD only: `enable as4 off` — an old 2-octet speaker (RFC 6793's "OLD BGP speaker"). */
  readonly twoOctetOnly?: boolean;
  /** BIRD only: install the routes it learns into the namespace's kernel table (forwarding). */
  readonly exportToKernel?: boolean;
  /** BIRD only: run BFD for the session (`bfd on`) with these timers. */
  readonly bfd?: { readonly intervalMs: number; readonly multiplier: number };
};

export interface BgpRouter {
  readonly name: RouterName;
  readonly process: ChildProcess;
  established(): Promise<boolean>;
  routes(family: 4 | 6): Promise<RouterRoute[]>;
  /** Asks us for our routes again (ROUTE-REFRESH, RFC 2918) for IPv4 unicast; false if it cannot. */
  refresh(): Promise<boolean>;
  stop(): Promise<void>;
}

export type RouterName = 'bird' | 'frr' | 'gobgp';

export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `bmlb-bgp-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

export function stopper(process: ChildProcess, dir: string): () => Promise<void> {
  return async () => {
    if (process.exitCode === null && process.signalCode === null) {
      const exited = new Promise((resolve) => process.once('exit', resolve));
      process.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (process.exitCode === null && process.signalCode === null) process.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
}

export function collectOutput(process: ChildProcess): () => string {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8000);
  };
  process.stdout?.on('data', keep);
  process.stderr?.on('data', keep);
  return () => output;
}

export const routerId = (options: RouterOptions) =>
  options.local.includes(':') ? '198.51.100.254' : options.local;

/** Waits until `probe` holds; otherwise stops the router (process and temporary directory) and throws. */
export async function waitForRouter(
  probe: () => Promise<boolean>,
  name: string,
  output: () => string,
  stop: () => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${name} did not start:\n${output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
