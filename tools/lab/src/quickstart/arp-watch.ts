/**
 * Watches who answers ARP for one IP from a lab host: a broadcast `arping -c 1` every
 * `intervalMs` (iputils arping takes whole seconds for -i, so one process per probe, ~20 ms
 * each), every reply recorded with its arrival time and MAC. Broadcast (-b) on purpose: after a
 * failover the old owner is gone, and only a broadcast request reaches the new one.
 */
import type { LabHost } from '../lab-host.ts';

export type ArpReply = { readonly atMs: number; readonly mac: string };

export type ArpWatch = {
  readonly replies: readonly ArpReply[];
  /** Resolves with the first reply at or after `sinceMs` whose MAC is not `mac`; undefined on timeout. */
  waitForOtherMac(mac: string, sinceMs: number, timeoutMs: number): Promise<ArpReply | undefined>;
  stop(): void;
};

/** Unanswered probes still waiting (1 s each) are capped, so an outage cannot pile up processes. */
const maxProbesInFlight = 25;

/** "Unicast reply from 198.51.100.200 [0A:1B:2C:3D:4E:5F]  0.712ms" -> "0a:1b:2c:3d:4e:5f". */
export function parseArpingReply(line: string): string | undefined {
  return /reply from \S+ \[([0-9A-Fa-f:]{17})\]/.exec(line)?.[1]?.toLowerCase();
}

export function watchArp(host: LabHost, ip: string, intervalMs = 50): ArpWatch {
  const replies: ArpReply[] = [];
  const waiters = new Set<() => void>();
  let inFlight = 0;
  const probe = () => {
    if (inFlight >= maxProbesInFlight) return;
    inFlight++;
    host
      .exec('arping', ['-c', '1', '-w', '1', '-b', '-I', host.ifname, ip])
      .then(({ stdout }) => {
        const mac = stdout
          .split('\n')
          .map(parseArpingReply)
          .find((m) => m !== undefined);
        if (mac === undefined) return;
        replies.push({ atMs: performance.now(), mac });
        for (const wake of waiters) wake();
      })
      .catch(() => {
        // No reply within 1 s (exit 1), or the lab is gone: nothing to record.
      })
      .finally(() => {
        inFlight--;
      });
  };
  const timer = setInterval(probe, intervalMs);
  probe();
  return {
    replies,
    waitForOtherMac(mac, sinceMs, timeoutMs) {
      const find = () => replies.find((r) => r.atMs >= sinceMs && r.mac !== mac.toLowerCase());
      return new Promise((resolve) => {
        const done = (value: ArpReply | undefined) => {
          clearTimeout(deadline);
          waiters.delete(check);
          resolve(value);
        };
        const check = () => {
          const found = find();
          if (found !== undefined) done(found);
        };
        const deadline = setTimeout(() => done(undefined), timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop() {
      clearInterval(timer);
    },
  };
}
