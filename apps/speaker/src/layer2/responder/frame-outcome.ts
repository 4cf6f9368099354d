/** What a responder did with one received frame; metrics count frames by outcome. */
import type { MacAddress } from '@baremetal-lb/arp-wire';
import type { ConflictDetector } from './conflict-detector.ts';
import type { SourceRateLimiter } from './source-rate-limiter.ts';

export const FrameOutcome = {
  /** Answered for an IP we announce. */
  replied: 'replied',
  /** A well-formed request for an IP we do not announce here. */
  notOurIp: 'notOurIp',
  /** Bytes that do not decode (truncated, bad lengths, bad checksum). */
  malformed: 'malformed',
  /** An ARP reply or NDP message that is not a solicitation. */
  notRequest: 'notRequest',
  /** Sent to a MAC that is neither broadcast/our solicited-node group nor ours. */
  wrongDestination: 'wrongDestination',
  /** Over the per-source rate limit; dropped before decoding. */
  rateLimited: 'rateLimited',
  /** Another MAC answers for or claims an IP we announce. */
  conflict: 'conflict',
  /** Another MAC claims an IP we are handing over: the hand-over is done, we stop answering. */
  handedOver: 'handedOver',
  /** Not ARP/NDP, or our own frame looped back. */
  ignored: 'ignored',
  /** The answer was built but the socket refused it. */
  sendFailed: 'sendFailed',
} as const;
export type FrameOutcome = (typeof FrameOutcome)[keyof typeof FrameOutcome];

/** Callbacks a responder reports through (metrics, logs, events). All optional. */
export type ResponderObserver = {
  /** A request for an IP we announce arrived (MetalLB `requests_received`). */
  readonly requestReceived?: (ip: string) => void;
  /** An answer went out (MetalLB `responses_sent`). */
  readonly responseSent?: (ip: string) => void;
  readonly gratuitousSent?: (ip: string) => void;
  /** First sighting of another MAC for one of our IPs (log once, Warning event). */
  readonly conflict?: (report: { ip: string; mac: string; ifname: string }) => void;
  readonly sendError?: (error: unknown) => void;
};

/** What every responder (ARP, NDP) of one interface is built with. */
export type ResponderOptions = {
  readonly ifname: string;
  readonly mac: MacAddress;
  /** Sends one frame (throws on failure; the responder turns that into an outcome). */
  readonly send: (frame: Uint8Array) => void;
  readonly now: () => number;
  /**
   * Per-source limit, applied before decoding. Absent when the frames arrive already limited: the
   * speaker's native responder thread limits every frame before it hands one up.
   */
  readonly rateLimiter?: SourceRateLimiter;
  readonly conflicts: ConflictDetector;
  readonly observer?: ResponderObserver;
  /**
   * Another MAC claimed an IP we are releasing (make-before-break hand-over): the caller stops
   * answering for it at once.
   */
  readonly handOver?: (ip: string, mac: string) => void;
};

/** Ethernet header without tags: a frame shorter than this is malformed before anything else. */
export const ETHERNET_HEADER_BYTES = 14;
