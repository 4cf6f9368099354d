import type { KubeObject } from './kube-types.ts';

/** What kubectl apply stores on every object it applied: a full copy of the object, never read by us. */
const lastApplied = 'kubectl.kubernetes.io/last-applied-configuration';

export type DropOptions = {
  /**
   * Annotations to keep: exact keys, or prefixes ending in `/` (`metallb.io/`). Default: all but
   * kubectl's last-applied-configuration.
   */
  readonly keepAnnotations?: readonly string[];
  /** Drop labels as well (a cache that never selects by label). Default false. */
  readonly dropLabels?: boolean;
};

/**
 * A ListWatch transform that drops what a cache does not need: `managedFields` (often half of an
 * object's JSON), kubectl's last-applied copy, and annotations nobody reads. It edits the object
 * in place (it was just parsed and nobody else holds it); assigning `undefined` instead of
 * `delete` keeps the object's fast shape.
 */
export function dropUnneededFields<T extends KubeObject>(options: DropOptions = {}): (object: T) => T {
  const keep = options.keepAnnotations;
  const kept = (key: string) =>
    keep === undefined
      ? key !== lastApplied
      : keep.some((k) => (k.endsWith('/') ? key.startsWith(k) : key === k));
  return (object) => {
    const metadata = object.metadata as {
      managedFields?: unknown;
      annotations?: Record<string, string> | undefined;
      labels?: unknown;
    };
    if (metadata === undefined) return object;
    if (metadata.managedFields !== undefined) metadata.managedFields = undefined;
    if (options.dropLabels && metadata.labels !== undefined) metadata.labels = undefined;
    const annotations = metadata.annotations;
    if (annotations !== undefined) {
      const keys = Object.keys(annotations);
      if (!keys.every(kept)) {
        const filtered = keys.filter(kept);
        metadata.annotations =
          filtered.length === 0
            ? undefined
            : Object.fromEntries(filtered.map((k) => [k, annotations[k] ?? '']));
      }
    }
    return object;
  };
}
