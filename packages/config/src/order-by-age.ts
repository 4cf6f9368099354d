import { isRecord } from './read-fields.ts';

type Aged = { readonly metadata?: unknown } | null | undefined;

function timestampOf(object: Aged): string | undefined {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const value = isRecord(metadata) ? metadata.creationTimestamp : undefined;
  return typeof value === 'string' ? value : undefined;
}

function nameOf(object: Aged): string {
  const metadata = isRecord(object) ? object.metadata : undefined;
  const value = isRecord(metadata) ? metadata.name : undefined;
  return typeof value === 'string' ? value : '';
}

/**
 * Oldest first (creationTimestamp, RFC 3339 in UTC, so text order is time order), then by name;
 * objects without a timestamp come last. Conflicts are settled in this order so that an
 * established object keeps working when a newer one collides with it.
 */
export function orderByAge<T extends Aged>(objects: readonly T[]): T[] {
  return [...objects].sort((a, b) => {
    const [ta, tb] = [timestampOf(a), timestampOf(b)];
    if (ta !== tb) {
      if (ta === undefined) return 1;
      if (tb === undefined) return -1;
      return ta < tb ? -1 : 1;
    }
    const [na, nb] = [nameOf(a), nameOf(b)];
    return na < nb ? -1 : na > nb ? 1 : 0;
  });
}
