/**
 * Names of everything a lab creates. Namespaces are `bmlb-<pid>-<lab>-<host>` so that parallel
 * runs never collide and a later run can tell a crashed run's leftovers (pid no longer alive)
 * from a live run's. Links in the host namespace must fit IFNAMSIZ (15 characters), so they are
 * `bm<pid base 36>-<lab base 36><role>`.
 */
import { InvalidLabNameError } from './lab-error.ts';

export const namespacePrefix = 'bmlb-';
const hostLinkPrefix = 'bm';
/** Linux IFNAMSIZ minus the terminating NUL. */
const maxIfnameLength = 15;
const labelPattern = /^[a-z][a-z0-9]{0,19}$/;

/** Checks a host label ("node0", "client"): lower-case letters and digits, at most 20. */
export function checkLabel(label: string): string {
  if (!labelPattern.test(label)) {
    throw new InvalidLabNameError(label, 'use 1-20 lower-case letters and digits, starting with a letter');
  }
  return label;
}

export function namespaceName(pid: number, lab: number, host: string): string {
  return `${namespacePrefix}${pid}-${lab}-${checkLabel(host)}`;
}

/** A link in the host namespace; `role` is a short tag such as "br" or "v3". */
export function hostLinkName(pid: number, lab: number, role: string): string {
  const name = `${hostLinkPrefix}${pid.toString(36)}-${lab.toString(36)}${role}`;
  if (name.length > maxIfnameLength) throw new InvalidLabNameError(name, 'longer than 15 characters');
  return name;
}

/** The pid that created a lab namespace or host link, or undefined when not ours. */
export function ownerPid(name: string): number | undefined {
  const namespace = /^bmlb-(\d+)-\d+-[a-z0-9]+$/.exec(name);
  if (namespace?.[1] !== undefined) return Number(namespace[1]);
  const link = /^bm([0-9a-z]+)-[0-9a-z]+$/.exec(name);
  if (link?.[1] !== undefined) return Number.parseInt(link[1], 36);
  return undefined;
}
