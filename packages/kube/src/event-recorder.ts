/**
 * Kubernetes Events (events.k8s.io/v1) about objects, for both apps. Sending is fire-and-forget:
 * a lost event is logged, never retried (events are hints; the metrics are the record).
 */
import type { Clock } from './clock.ts';
import type { KubeClient } from './kube-client.ts';
import type { Logger } from './logger.ts';
import { formatMicroTime } from './micro-time.ts';

/** The object an event is about. */
export type EventSubject = {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Unknown uid: the event still names the object; repeats are told apart by namespace/name. */
  readonly uid?: string | undefined;
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
    readonly uid?: string;
  };
};

/** Where events go: the API in production, an array in tests. */
export interface EventSink {
  create(event: EventObject): Promise<void>;
}

export type EventRecorderOptions = {
  readonly sink: EventSink;
  /** Wall clock: eventTime and the event names come from it. */
  readonly clock: Clock;
  /** The component name (`metallb-controller`, `metallb-speaker`: MetalLB's, so event filters keep working). */
  readonly reportingController: string;
  /** This replica or node; cut to the API's 128 characters. */
  readonly reportingInstance: string;
  /** Reason → the `action` field (required by events.k8s.io/v1); others get `defaultAction`. */
  readonly actions?: Readonly<Record<string, string>>;
  readonly defaultAction: string;
  /**
   * Drop an event that repeats the last one for the same object (default on): a Service that
   * keeps failing the same way makes one event, not one per reconcile (MetalLB's noisiness).
   * Off for callers that already emit once per change.
   */
  readonly suppressRepeats?: boolean;
  readonly log?: Logger;
  /** Called for every event sent (metrics). */
  readonly onEmit?: (reason: string) => void;
};

/** Notes longer than this are cut: the API rejects notes over 1 kB. */
const maxNoteLength = 1000;
/** events.k8s.io/v1 validation: reportingInstance at most 128 characters. */
const maxInstanceLength = 128;

export class EventRecorder {
  readonly #options: EventRecorderOptions;
  readonly #last = new Map<string, string>();
  #sequence = 0;

  constructor(options: EventRecorderOptions) {
    this.#options = options;
  }

  /** Sends the event unless it repeats the previous one for `subject`; returns whether it was sent. */
  record(subject: EventSubject, input: EventInput): boolean {
    const { sink, log, onEmit, suppressRepeats = true } = this.#options;
    if (suppressRepeats) {
      const signature = `${input.type}\u0000${input.reason}\u0000${input.message}`;
      const key = subjectKey(subject);
      if (this.#last.get(key) === signature) return false;
      this.#last.set(key, signature);
    }
    onEmit?.(input.reason);
    sink.create(this.#build(subject, input)).catch((error: unknown) => {
      log?.warn(
        { err: error, reason: input.reason, object: `${subject.namespace}/${subject.name}` },
        'event not recorded',
      );
    });
    return true;
  }

  /** Forgets the object (it is gone): its next event is sent even if it repeats the last. */
  forget(subject: Pick<EventSubject, 'namespace' | 'name' | 'uid'>): void {
    this.#last.delete(subjectKey(subject));
  }

  #build(subject: EventSubject, input: EventInput): EventObject {
    const { clock, reportingController, reportingInstance, actions, defaultAction } = this.#options;
    const nowMs = clock.now();
    this.#sequence = (this.#sequence + 1) % 1_000_000;
    // Unique per recorder: milliseconds and a sequence number, in hex like client-go's names.
    const suffix = (BigInt(nowMs) * 1_000_000n + BigInt(this.#sequence)).toString(16);
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${subject.name}.${suffix}`, namespace: subject.namespace },
      eventTime: formatMicroTime(nowMs),
      reportingController,
      reportingInstance: reportingInstance.slice(0, maxInstanceLength),
      action: actions?.[input.reason] ?? defaultAction,
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
        ...(subject.uid === undefined ? {} : { uid: subject.uid }),
      },
    };
  }
}

function subjectKey(subject: Pick<EventSubject, 'namespace' | 'name' | 'uid'>): string {
  return subject.uid ?? `${subject.namespace}/${subject.name}`;
}

/** The API as an EventSink: creates each event in its object's namespace. */
export function apiEventSink(client: KubeClient): EventSink {
  return {
    async create(event) {
      await client.request('POST', `/apis/events.k8s.io/v1/namespaces/${event.metadata.namespace}/events`, {
        body: event,
      });
    },
  };
}
