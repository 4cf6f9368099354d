import type { MemberEvent } from '@baremetal-lb/leader';

/** States in which a member counts for election (`Membership.liveMembers`). */
const live = new Set<string>(['alive', 'suspect']);

/**
 * Whether a membership event can change what the speaker announces. Election counts alive and
 * suspect members alike (a suspect may still refute), so a suspicion and its refutation leave
 * the set of live members, and every IP's owner, as they were: no reconcile for those. On a
 * loaded node suspicions come and go several times a minute, and a reconcile of thousands of
 * Services costs far more than the event.
 */
export function changesLiveSet(event: MemberEvent): boolean {
  return event.previous === undefined || live.has(event.previous) !== live.has(event.type);
}
