/** A Kubernetes label selector (metav1.LabelSelector), evaluated against plain label maps. */
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
