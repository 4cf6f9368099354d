/**
 * Starts the speaker's responder thread (responder-worker.ts) from its flags and connects what
 * the thread reports to the metrics and the log.
 */
import type { Logger } from 'pino';
import type { SpeakerFlags } from '../../cli/speaker-flags.ts';
import { errorText } from '../../observe/error-text.ts';
import type { SpeakerMetrics } from '../../observe/speaker-metrics.ts';
import type { Placement } from '../announce/announcer.ts';
import type { ConflictReport } from '../responder/conflict-detector.ts';
import { defaultRateLimitOptions, unlimitedRateLimitOptions } from '../responder/source-rate-limiter.ts';
import { ResponderThread } from './responder-thread.ts';

/**
 * Socket receive buffer for ARP/NDP, bytes (the kernel doubles it, capped by net.core.rmem_max):
 * about 5,000 queued minimum-size frames, i.e. 50 ms of a 100,000 requests/s storm, so a GC pause
 * or a busy core does not drop requests. Memory is only used while frames are queued.
 */
const receiveBufferBytes = 4 * 1024 * 1024;

/**
 * How long the responder thread may hold frame counts before handing them to the metrics, ms:
 * one message per 20 ms under load instead of one per frame, and a scrape lags by at most that.
 */
const countFlushMs = 20;

/** How often the responder thread says it is alive, ms (a message per second costs nothing). */
const heartbeatMs = 1_000;

export async function startResponderThread(
  flags: SpeakerFlags,
  metrics: SpeakerMetrics,
  log: Logger,
  reports: {
    readonly onConflict: (report: ConflictReport) => void;
    readonly onHandedOver: (placement: Placement, mac: string) => void;
  },
): Promise<ResponderThread> {
  const { thread, realtimeError } = await ResponderThread.start(
    {
      receiveBufferBytes,
      rateLimit:
        flags.requestRateLimit === 0
          ? unlimitedRateLimitOptions
          : {
              ...defaultRateLimitOptions,
              perSourcePerSecond: flags.requestRateLimit,
              burst: flags.requestRateLimit,
            },
      realtimePriority: flags.responderPriority,
      countFlushMs,
      heartbeatMs,
    },
    {
      onCounts: (counts) => metrics.addCounts(counts),
      ...reports,
      onInterfaceError: (ifname, err) => log.warn({ interface: ifname, err }, 'interface error'),
      onSendError: (err) => log.debug({ err }, 'send failed'),
      onPriorityChange: ({ realtime, busyShare, error }) => {
        metrics.responderRealtime.set(realtime ? 1 : 0);
        const share = Number(busyShare.toFixed(2));
        if (error !== undefined) {
          log.warn({ err: error, realtime, busyShare: share }, 'responder thread priority change refused');
        } else if (realtime) {
          log.info({ busyShare: share }, 'responder thread back to realtime priority');
        } else {
          metrics.responderRealtimeSuspensions.inc();
          log.warn({ busyShare: share }, 'responder thread over its CPU budget: normal priority for a while');
        }
      },
      onFailure: (error) => {
        // Nothing answers ARP/NDP any more: exit so that the kubelet restarts the speaker (and
        // the membership declares this node dead, moving its IPs) instead of holding them mute.
        log.fatal({ err: errorText(error) }, 'responder thread failed');
        process.exit(1);
      },
    },
  );
  if (realtimeError !== undefined) {
    log.warn({ err: realtimeError }, 'responder thread runs at normal priority');
  }
  metrics.responderRealtime.set(flags.responderPriority > 0 && realtimeError === undefined ? 1 : 0);
  return thread;
}
