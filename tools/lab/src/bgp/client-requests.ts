/**
 * The client's side of the walkthrough: curl through the LoadBalancer IP, counted per pod, and a
 * request loop (a new connection each, so each is hashed afresh by the router's ECMP) that counts
 * failures while a node goes down.
 */
import type { LabHost } from '../lab-host.ts';

/** Why 1 s: a request through a live path takes milliseconds; one sent to a dead node hangs. */
const requestTimeoutSeconds = '1';

export async function curlHostname(client: LabHost, ip: string): Promise<string> {
  const { stdout } = await client.exec('curl', [
    '-sS',
    '--max-time',
    requestTimeoutSeconds,
    `http://${ip}/hostname`,
  ]);
  return stdout.trim();
}

/** `count` requests: pod name → answers, and how many failed. */
export async function curlMany(
  client: LabHost,
  ip: string,
  count: number,
): Promise<{ readonly answers: ReadonlyMap<string, number>; readonly failed: number }> {
  const answers = new Map<string, number>();
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const name = await curlHostname(client, ip).catch(() => undefined);
    if (name === undefined) failed++;
    else answers.set(name, (answers.get(name) ?? 0) + 1);
  }
  return { answers, failed };
}

/** One request of a loop: when it was sent and answered (performance.now()), and why it failed. */
export type RequestOutcome = {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly error?: string;
};

export type RequestLoop = {
  /** Stops after the request in flight; resolves with the totals and every failed request. */
  stop(): Promise<{
    readonly requests: number;
    readonly failed: number;
    readonly failures: readonly RequestOutcome[];
  }>;
};

/** Sends requests one after another until stopped. */
export function startRequestLoop(client: LabHost, ip: string): RequestLoop {
  let running = true;
  let requests = 0;
  const failures: RequestOutcome[] = [];
  const loop = (async () => {
    while (running) {
      requests++;
      const startedAt = performance.now();
      await curlHostname(client, ip).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ startedAt, endedAt: performance.now(), error: message.trim() });
      });
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { requests, failed: failures.length, failures };
    },
  };
}
