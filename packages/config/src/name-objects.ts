import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { MetallbKind } from './metallb-resources.ts';
import { orderByAge } from './order-by-age.ts';
import { isRecord } from './read-fields.ts';

export type NamedObject<T> = { readonly name: string; readonly object: T };

/**
 * Objects in age order with their names. An object without a name is reported under
 * `(unnamed #N)`; a second object with a name already seen (possible only when objects of
 * several namespaces are mixed) is reported and left out, so the older one keeps working.
 */
export function nameObjects<T extends { readonly metadata?: unknown }>(
  kind: MetallbKind,
  objects: readonly T[],
  problems: ConfigProblem[],
): NamedObject<T>[] {
  const seen = new Set<string>();
  const named: NamedObject<T>[] = [];
  orderByAge(objects).forEach((object, index) => {
    const metadata = isRecord(object) ? object.metadata : undefined;
    const name = isRecord(metadata) ? metadata.name : undefined;
    if (typeof name !== 'string' || name === '') {
      problems.push({
        severity: 'error',
        code: ConfigProblemCode.missingName,
        object: { kind, name: `(unnamed #${index + 1})` },
        field: 'metadata.name',
        message: `a ${kind} without metadata.name is ignored`,
      });
      return;
    }
    if (seen.has(name)) {
      problems.push({
        severity: 'error',
        code: ConfigProblemCode.duplicateName,
        object: { kind, name },
        field: 'metadata.name',
        message: `${kind} "${name}" appears twice (objects from several namespaces?); the newer one is ignored`,
      });
      return;
    }
    seen.add(name);
    named.push({ name, object });
  });
  return named;
}
