/** Where a member stands in the local view. */
export const MemberState = {
  alive: 'alive',
  suspect: 'suspect',
  dead: 'dead',
  left: 'left',
} as const;
export type MemberState = (typeof MemberState)[keyof typeof MemberState];

/** One member as the local node sees it; plain data, never mutated after it is handed out. */
export type Member = {
  readonly name: string;
  /** Transport address (`"192.0.2.10:7946"` for UDP). */
  readonly address: string;
  readonly state: MemberState;
  /** Only the member itself raises its incarnation: on restart or to refute a suspicion. */
  readonly incarnation: number;
  /** Clock time (ms) when `state` was entered. */
  readonly sinceMs: number;
};

/** A consistent copy of the whole view; `version` increases with every change. */
export type MembershipSnapshot = {
  readonly version: number;
  readonly self: string;
  /** Sorted by name; includes the local member and tombstones of dead or left members. */
  readonly members: readonly Member[];
};

/** Why a member changed state. */
export const MemberEventReason = {
  /** First time this member is seen. */
  joined: 'joined',
  /** A suspected member proved it is alive with a higher incarnation. */
  refuted: 'refuted',
  /** A dead or left member came back with a higher incarnation (usually a restart). */
  rejoined: 'rejoined',
  /** Our own probe (direct and indirect) got no ack. */
  probeFailed: 'probeFailed',
  /** Another member reported it (suspect, dead or left); `by` names that member. */
  reported: 'reported',
  /** Our suspicion timer ran out without a refutation. */
  suspicionTimeout: 'suspicionTimeout',
  /** The member announced a graceful leave. */
  leave: 'leave',
} as const;
export type MemberEventReason = (typeof MemberEventReason)[keyof typeof MemberEventReason];

/** A state change of one member; `type` is the new state. */
export type MemberEvent = {
  readonly type: MemberState;
  readonly member: Member;
  readonly reason: MemberEventReason;
  /** The member whose report caused this change, when another member reported it. */
  readonly by?: string;
  /** The previous state, absent for a first sighting. */
  readonly previous?: MemberState;
};
