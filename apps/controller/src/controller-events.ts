import { type Clock, EventRecorder, type EventSink, type Logger } from '@baremetal-lb/kube';
import { EventReason } from './service-decision.ts';

/** The component name MetalLB's controller reports, so existing event filters keep working. */
export const reportingController = 'metallb-controller';

/** events.k8s.io/v1 requires an action: what the controller was doing when it emitted the reason. */
const actions: Readonly<Record<EventReason, string>> = {
  [EventReason.ipAllocated]: 'Allocate',
  [EventReason.allocationFailed]: 'Allocate',
  [EventReason.loadBalancerFailed]: 'Validate',
  [EventReason.clearAssignment]: 'Release',
};

/** The controller's recorder: one event per change of a Service's outcome, not one per reconcile. */
export function createControllerEvents(options: {
  readonly sink: EventSink;
  readonly clock: Clock;
  /** This replica (the Lease holder identity). */
  readonly identity: string;
  readonly log?: Logger;
  readonly onEmit?: (reason: string) => void;
}): EventRecorder {
  return new EventRecorder({
    sink: options.sink,
    clock: options.clock,
    reportingController,
    reportingInstance: `${reportingController}-${options.identity}`,
    actions,
    defaultAction: 'Reconcile',
    ...(options.log ? { log: options.log } : {}),
    ...(options.onEmit ? { onEmit: options.onEmit } : {}),
  });
}
