/**
 * Removes what crashed runs left behind: `bmlb-<pid>-...` namespaces and `bm<pid>-...` host links
 * (bridges and veths only) whose creating process is gone. Live runs' objects are left alone.
 */
import { isProcessAlive } from './is-process-alive.ts';
import { namespacePrefix, ownerPid } from './lab-names.ts';
import { runCommandSync } from './run-command.ts';

export type SweepResult = { readonly namespaces: readonly string[]; readonly links: readonly string[] };

function isStale(name: string): boolean {
  const pid = ownerPid(name);
  return pid !== undefined && pid !== process.pid && !isProcessAlive(pid);
}

/** Names of the lab namespaces on this machine (all runs). */
export function listLabNamespaces(): string[] {
  const out = runCommandSync('ip', ['-j', 'netns', 'list']).stdout.trim();
  const entries = out === '' ? [] : (JSON.parse(out) as { name: string }[]);
  return entries.map((entry) => entry.name).filter((name) => name.startsWith(namespacePrefix));
}

type IpLink = { ifname: string; linkinfo?: { info_kind?: string } };

export function sweepStaleLabs(): SweepResult {
  const namespaces = listLabNamespaces().filter(isStale);
  for (const name of namespaces) runCommandSync('ip', ['netns', 'delete', name]);
  const links = (JSON.parse(runCommandSync('ip', ['-j', '-d', 'link', 'show']).stdout) as IpLink[])
    .filter((link) => ['bridge', 'veth'].includes(link.linkinfo?.info_kind ?? '') && isStale(link.ifname))
    .map((link) => link.ifname);
  for (const name of links) {
    try {
      runCommandSync('ip', ['link', 'delete', name]);
    } catch {
      // A veth vanishes with its peer's namespace; already gone is fine.
    }
  }
  return { namespaces, links };
}
