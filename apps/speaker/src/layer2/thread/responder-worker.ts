/**
 * The responder thread (a worker_threads Worker that ResponderThread starts): it owns the packet
 * sockets and the ARP/NDP responders and answers on its own event loop. The main thread's work
 * (informers, membership probes, status writes, metrics scrapes) keeps its loop busy a few per
 * cent of the time even when idle, and a request arriving then used to wait for it: that wait
 * was the speaker's reply-latency tail (apps/speaker/README.md, "Responder thread").
 */
import { parentPort, workerData } from 'node:worker_threads';
import { macToBytes } from '@baremetal-lb/arp-wire';
import { type LinuxPacketConn, openPacketConn, setThreadRealtimePriority } from '@baremetal-lb/packet-socket';
import { errorText } from '../../observe/error-text.ts';
import { systemClock } from '../announce/clock.ts';
import { announcedFilter } from '../net/neighbor-filter.ts';
import { ResponderSet } from '../net/responder-set.ts';
import { ConflictDetector, defaultConflictOptions } from '../responder/conflict-detector.ts';
import { SourceRateLimiter } from '../responder/source-rate-limiter.ts';
import { type CountKind, PendingCounts } from './pending-counts.ts';
import { defaultRealtimeBudget, RealtimeBudget } from './realtime-budget.ts';
import type {
  FromResponderThread,
  ResponderThreadConfig,
  ToResponderThread,
} from './responder-thread-protocol.ts';
import { warmUpResponders } from './warm-up-responders.ts';

const port = parentPort;
if (port === null) throw new Error('responder-worker.ts runs as a worker thread (see ResponderThread)');
const config = workerData as ResponderThreadConfig;
const post = (message: FromResponderThread) => port.postMessage(message);

/**
 * How long after a claim by another MAC we must still hold the IP for it to be reported as a
 * conflict, ms: a legitimate hand-over releases it within a membership round trip (ConflictDetector's
 * recentClaimMs is the same window).
 */
const conflictConfirmMs = defaultConflictOptions.recentClaimMs;

const counts = new PendingCounts();
let flushTimer: ReturnType<typeof setTimeout> | undefined;

function count(kind: CountKind, label: string): void {
  counts.add(kind, label);
  flushTimer ??= setTimeout(flushCounts, config.countFlushMs);
}

function flushCounts(): void {
  if (flushTimer !== undefined) clearTimeout(flushTimer);
  flushTimer = undefined;
  if (!counts.empty) post({ type: 'counts', counts: counts.take() });
}

const responders = new ResponderSet({
  // Nothing announced yet: the kernel filter passes nothing until the first placement.
  open: async (ifi) =>
    openPacketConn(ifi.name, {
      filter: announcedFilter([], []),
      receiveBufferBytes: config.receiveBufferBytes,
    }),
  filter: (conn, ipv4, ipv6) => (conn as LinuxPacketConn).setFilter(announcedFilter(ipv4, ipv6)),
  groups: {
    join: (conn, mac) => (conn as LinuxPacketConn).addMembership(macToBytes(mac)),
    leave: (conn, mac) => (conn as LinuxPacketConn).dropMembership(macToBytes(mac)),
  },
  now: () => systemClock.now(),
  rateLimiter: new SourceRateLimiter(config.rateLimit),
  conflicts: new ConflictDetector(),
  observer: {
    requestReceived: (ip) => count('request', ip),
    responseSent: (ip) => count('response', ip),
    gratuitousSent: (ip) => count('gratuitous', ip),
    // Reported only if we still hold the IP a moment later: a claim that is the new owner's
    // during a hand-over (seen just before our own view moved the IP) is no conflict.
    conflict: (report) => {
      setTimeout(() => {
        if (responders.holds(report.ip, report.ifname)) post({ type: 'conflict', report });
      }, conflictConfirmMs).unref();
    },
    sendError: (error) => post({ type: 'sendError', message: errorText(error) }),
  },
  onOutcome: (protocol, outcome) => {
    budget?.noteActivity();
    count(protocol, outcome);
  },
  onError: (ifname, error) => post({ type: 'interfaceError', ifname, message: errorText(error) }),
  onHandedOver: (placement, mac) => post({ type: 'handedOver', placement, mac }),
});

port.on('message', (message: ToResponderThread) => {
  switch (message.type) {
    case 'setInterfaces':
      void responders.setInterfaces(message.eligible).then(() => {
        post({ type: 'interfaces', id: message.id, interfaces: responders.interfaces });
      });
      return;
    case 'add':
      responders.add(message.placement);
      return;
    case 'remove':
      responders.remove(message.placement);
      return;
    case 'release':
      responders.release(message.placement);
      return;
    case 'sendGratuitous':
      responders.sendGratuitous(message.placement);
      return;
    case 'close':
      budget?.stop();
      clearInterval(heartbeat);
      void responders.close().then(() => {
        flushCounts();
        post({ type: 'closed', id: message.id });
        port.close();
      });
      return;
  }
});

const budget =
  config.realtimePriority > 0
    ? new RealtimeBudget(
        { ...defaultRealtimeBudget, priority: config.realtimePriority },
        {
          setPriority: setThreadRealtimePriority,
          cpuMs: () => {
            const { user, system } = process.threadCpuUsage();
            return (user + system) / 1000;
          },
        },
        systemClock,
        (change) => post({ type: 'priority', change }),
      )
    : undefined;
warmUpResponders();
// Proof of life for /healthz: a wedged loop (or a thread stuck in native code) stops beating.
const heartbeat = setInterval(() => post({ type: 'heartbeat' }), config.heartbeatMs);
const realtimeError = budget?.start();
post(realtimeError === undefined ? { type: 'ready' } : { type: 'ready', realtimeError });
