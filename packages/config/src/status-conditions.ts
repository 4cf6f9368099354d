/**
 * One status condition per object from its configuration problems, in metav1.Condition form, so
 * that `kubectl describe` shows why an object is not used (MetalLB only logs it).
 */
import { type ConfigProblem, configProblemReason } from './config-problem.ts';
import type { Condition } from './metallb-resources.ts';

/** The condition type baremetal-lb maintains on IPAddressPool and L2Advertisement. */
export const validConditionType = 'Valid';

// metav1.Condition caps message at 32768 characters.
const maxMessageLength = 32_768;

export type StatusConditionOptions = {
  /** RFC 3339 time to stamp a changed condition with. */
  readonly now: string;
  readonly observedGeneration?: number;
  /** The object's current conditions: other types are kept, and an unchanged status keeps its time. */
  readonly previous?: readonly Condition[];
};

/**
 * `Valid` is True (reason `Valid`, or `ValidWithWarnings`) unless an error left the object out,
 * then False with the reason of the first error. The message lists every problem.
 */
export function buildStatusConditions(
  problems: readonly ConfigProblem[],
  options: StatusConditionOptions,
): Condition[] {
  const firstError = problems.find((problem) => problem.severity === 'error');
  const status = firstError === undefined ? 'True' : 'False';
  const reason =
    firstError !== undefined
      ? configProblemReason[firstError.code]
      : problems.length > 0
        ? 'ValidWithWarnings'
        : 'Valid';
  let message = problems.map((problem) => problem.message).join('; ');
  if (message.length > maxMessageLength) message = `${message.slice(0, maxMessageLength - 3)}...`;
  const previous = options.previous ?? [];
  const before = previous.find((condition) => condition.type === validConditionType);
  const condition: Condition = {
    type: validConditionType,
    status,
    reason,
    message: message === '' ? 'configuration accepted' : message,
    lastTransitionTime: before?.status === status ? before.lastTransitionTime : options.now,
    ...(options.observedGeneration === undefined ? {} : { observedGeneration: options.observedGeneration }),
  };
  return [...previous.filter((c) => c.type !== validConditionType), condition];
}
