/** etcd for one envtest: loopback only, no fsync (test data is disposable). */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { findFreePort } from './free-port.ts';
import { type ManagedProcess, startManagedProcess } from './managed-process.ts';
import { waitUntil } from './wait-until.ts';

export type RunningEtcd = { readonly process: ManagedProcess; readonly clientUrl: string };

export async function startEtcd(binary: string, dir: string, readyTimeoutMs: number): Promise<RunningEtcd> {
  const host = '127.0.0.1';
  const clientUrl = `http://${host}:${await findFreePort(host)}`;
  const peerUrl = `http://${host}:${await findFreePort(host)}`;
  const dataDir = path.join(dir, 'etcd');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const process = startManagedProcess(
    'etcd',
    binary,
    [
      '--name=envtest',
      `--data-dir=${dataDir}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=envtest=${peerUrl}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    path.join(dir, 'etcd.log'),
  );
  try {
    await waitUntil(
      `etcd at ${clientUrl}`,
      async () => {
        const response = await fetch(`${clientUrl}/health`, { signal: AbortSignal.timeout(2_000) });
        return response.ok && ((await response.json()) as { health?: string }).health === 'true';
      },
      { timeoutMs: readyTimeoutMs, exited: process.exited },
    );
  } catch (error) {
    await process.stop();
    throw error;
  }
  return { process, clientUrl };
}
