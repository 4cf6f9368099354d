import { stopApiServer } from '@baremetal-lb/envtest';

/**
 * Restarts an envtest's kube-apiserver in place: stop it, hold the outage for `downMs`, start it
 * again with the same arguments. Returns a stop function for the new process.
 */
export async function restartApiServer(envtestDir: string, downMs: number): Promise<() => Promise<void>> {
  const stopped = await stopApiServer(envtestDir);
  await new Promise((resolve) => setTimeout(resolve, downMs));
  return stopped.restart();
}
