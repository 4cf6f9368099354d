/** What a responder did with one received frame; metrics count frames by outcome. */
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
