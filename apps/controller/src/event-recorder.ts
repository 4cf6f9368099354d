import { type Clock, formatMicroTime } from '@baremetal-lb/kube';
import type { Logger } from './log.ts';

/** The object an event is about. */
export type EventSubject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
};

export type EventInput = {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
};

/** events.k8s.io/v1 Event, as sent to the API. */
export type EventObject = {
  readonly apiVersion: 'events.k8s.io/v1';
  readonly kind: 'Event';
  readonly metadata: { readonly name: string; readonly namespace: string };
  readonly eventTime: string;
  readonly reportingController: string;
  readonly reportingInstance: string;
  readonly action: string;
  readonly reason: string;
  readonly note: string;
  readonly type: 'Normal' | 'Warning';
  readonly regarding: {
    readonly apiVersion: string;
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly uid: string;
  };
};

/** Where events go: the API in production, an array in tests. */
export interface EventSink {
  create(event: EventObject): Promise<void>;
}

/** The component name MetalLB's controller reports, so existing event filters keep working. */
export const reportingController = 'metallb-controller';

/** Notes longer than this are cut: the API rejects notes over 1 kB. */
const maxNoteLength = 1000;

const actions: Readonly<Record<string, string>> = {
  IPAllocated: 'Allocate',
  AllocationFailed: 'Allocate',
  LoadBalancerFailed: 'Validate',
  ClearAssignment: 'Release',
};

/**
 * Emits an event only when it differs from the last one emitted for the same object, so a Service
 * that keeps failing the same way produces one event, not one per reconcile (MetalLB's
 * noisiness). Sending is fire-and-forget: a lost event is logged, never retried.
 */
export class EventRecorder {
  readonly #sink: EventSink;
  readonly #clock: Clock;
  readonly #instance: string;
  readonly #log: Logger | undefined;
  readonly #onEmit: ((reason: string) => void) | undefined;
  readonly #last = new Map<string, string>();
  #sequence = 0;

  constructor(options: {
    sink: EventSink;
    clock: Clock;
    instance: string;
    log?: Logger;
    onEmit?: (reason: string) => void;
  }) {
    this.#sink = options.sink;
    this.#clock = options.clock;
    this.#instance = options.instance;
    this.#log = options.log;
    this.#onEmit = options.onEmit;
  }

  /** Emits unless it repeats the previous event for `subject`; returns whether it was emitted. */
  record(subject: EventSubject, input: EventInput): boolean {
    const signature = `${input.type}\u0000${input.reason}\u0000${input.message}`;
    if (this.#last.get(subject.uid) === signature) return false;
    this.#last.set(subject.uid, signature);
    this.#onEmit?.(input.reason);
    const event = this.#build(subject, input);
    this.#sink.create(event).catch((error: unknown) => {
      this.#log?.warn(
        { err: error, reason: input.reason, object: `${subject.namespace}/${subject.name}` },
        'event not recorded',
      );
    });
    return true;
  }

  /** Forgets `uid` (the object is gone). */
  forget(uid: string): void {
    this.#last.delete(uid);
  }

  #build(subject: EventSubject, input: EventInput): EventObject {
    const nowMs = this.#clock.now();
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    const suffix = (BigInt(nowMs) * 1_000_000n + BigInt(this.#sequence)).toString(16);
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${subject.name}.${suffix}`, namespace: subject.namespace },
      eventTime: formatMicroTime(nowMs),
      reportingController,
      reportingInstance: `${reportingController}-${this.#instance}`.slice(0, 128),
      action: actions[input.reason] ?? 'Reconcile',
      reason: input.reason,
      note:
        input.message.length > maxNoteLength
          ? `${input.message.slice(0, maxNoteLength - 3)}...`
          : input.message,
      type: input.type,
      regarding: {
        apiVersion: subject.apiVersion,
        kind: subject.kind,
        namespace: subject.namespace,
        name: subject.name,
        uid: subject.uid,
      },
    };
  }
}
