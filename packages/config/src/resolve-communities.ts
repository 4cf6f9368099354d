/**
 * Community objects → one alias table. An object with a malformed entry is left out whole (the
 * CRD refuses those, so only a hand-made object gets here; advertisements that use its aliases
 * then report them as unknown). An alias defined again in a newer object is a warning and the
 * older definition stays, so announcing does not change when someone adds a clashing object.
 */
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import { nameObjects } from './name-objects.ts';
import { objectReporter } from './object-reporter.ts';
import { parseCommunity } from './parse-community.ts';
import { isRecord, specOf } from './read-fields.ts';

/** A resolved alias: the community in the text form @baremetal-lb/bgp takes. */
export type CommunityValue = { readonly type: 'standard' | 'large'; readonly value: string };

const kind = 'Community';

export function resolveCommunities(
  objects: readonly unknown[],
  problems: ConfigProblem[],
): ReadonlyMap<string, CommunityValue> {
  const aliases = new Map<string, CommunityValue & { readonly owner: string }>();
  for (const { name, object } of nameObjects(kind, objects as { metadata?: unknown }[], problems)) {
    const { problem, report, broken } = objectReporter(kind, name, problems);
    const spec = specOf(object);
    const entries = spec.communities ?? [];
    if (!Array.isArray(entries)) {
      report('spec.communities', 'spec.communities must be a list');
      continue;
    }
    const own = new Map<string, CommunityValue>();
    entries.forEach((entry: unknown, index) => {
      const field = `spec.communities[${index}]`;
      const alias = isRecord(entry) ? entry.name : undefined;
      const text = isRecord(entry) ? entry.value : undefined;
      if (typeof alias !== 'string' || alias === '' || typeof text !== 'string') {
        report(field, `${field} needs a name and a value`);
        return;
      }
      const parsed = parseCommunity(text);
      if (parsed.type === 'alias' || parsed.type === 'invalid') {
        const why = parsed.type === 'invalid' ? parsed.message : `"${text}" is not A:B or large:G:L1:L2`;
        problem('error', ConfigProblemCode.invalidCommunity, `${field}.value`, `alias "${alias}": ${why}`);
        return;
      }
      if (own.has(alias)) {
        problem(
          'error',
          ConfigProblemCode.duplicateCommunityAlias,
          `${field}.name`,
          `alias "${alias}" is defined twice`,
        );
        return;
      }
      own.set(alias, { type: parsed.type, value: parsed.value });
    });
    if (broken()) continue;
    for (const [alias, value] of own) {
      const owner = aliases.get(alias)?.owner;
      if (owner === undefined) aliases.set(alias, { ...value, owner: name });
      else
        problem(
          'warning',
          ConfigProblemCode.duplicateCommunityAlias,
          'spec.communities',
          `alias "${alias}" is already defined by the older Community "${owner}", whose value is used`,
          { kind, name: owner },
        );
    }
  }
  return new Map([...aliases].map(([alias, { type, value }]) => [alias, { type, value }]));
}
