/** A Kubernetes label selector (metav1.LabelSelector), evaluated against plain label maps. */
import { describeValue } from './describe-value.ts';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

export type Labels = Readonly<Record<string, string>>;

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * Kubernetes semantics: every matchLabels pair and every expression must hold (AND); an empty
 * selector `{}` matches everything. `NotIn` matches when the key is absent, as in Kubernetes.
 * An unknown operator matches nothing (a malformed selector must not widen a match).
 */
export function matchesLabelSelector(labels: Labels | undefined, selector: LabelSelector): boolean {
  if (selector === null || typeof selector !== 'object') return false;
  const actual = labels ?? {};
  if (selector.matchLabels) {
    for (const key of Object.keys(selector.matchLabels)) {
      if (!hasOwn.call(actual, key) || actual[key] !== selector.matchLabels[key]) return false;
    }
  }
  for (const requirement of selector.matchExpressions ?? []) {
    if (!matchesRequirement(actual, requirement)) return false;
  }
  return true;
}

function matchesRequirement(labels: Labels, requirement: LabelSelectorRequirement): boolean {
  const present = hasOwn.call(labels, requirement.key);
  const values = requirement.values ?? [];
  switch (requirement.operator) {
    case 'In':
      return present && values.includes(labels[requirement.key] as string);
    case 'NotIn':
      return !present || !values.includes(labels[requirement.key] as string);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    default:
      return false;
  }
}

const OPERATORS: ReadonlySet<string> = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/**
 * Why `selector` is not a well-formed Kubernetes label selector (wrong shapes, an unknown
 * operator, In/NotIn without values, Exists/DoesNotExist with values); empty when it is.
 */
export function labelSelectorProblems(selector: unknown): string[] {
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector))
    return ['selector is not an object'];
  const { matchLabels, matchExpressions } = selector as Record<string, unknown>;
  const problems: string[] = [];
  if (matchLabels !== undefined) {
    if (matchLabels === null || typeof matchLabels !== 'object' || Array.isArray(matchLabels)) {
      problems.push('matchLabels is not a map');
    } else if (Object.values(matchLabels).some((value) => typeof value !== 'string')) {
      problems.push('matchLabels has a value that is not a string');
    }
  }
  if (matchExpressions === undefined) return problems;
  if (!Array.isArray(matchExpressions)) return [...problems, 'matchExpressions is not a list'];
  for (const expression of matchExpressions as unknown[]) {
    if (expression === null || typeof expression !== 'object') {
      problems.push('a matchExpressions entry is not an object');
      continue;
    }
    const { key, operator, values } = expression as Record<string, unknown>;
    if (typeof key !== 'string' || key === '') problems.push('a matchExpressions entry has no key');
    if (typeof operator !== 'string' || !OPERATORS.has(operator)) {
      problems.push(`selector operator "${describeValue(operator)}" is unknown`);
      continue;
    }
    if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== 'string'))) {
      problems.push(`selector on "${describeValue(key)}" has values that are not a list of strings`);
      continue;
    }
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues !== (Array.isArray(values) && values.length > 0)) {
      problems.push(
        `selector on "${describeValue(key)}" with operator "${operator}" ${needsValues ? 'needs' : 'takes no'} values`,
      );
    }
  }
  return problems;
}
