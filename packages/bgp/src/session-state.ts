/** The six states of the BGP finite state machine (RFC 4271 section 8.2.2). */
export const SessionState = {
  idle: 'Idle',
  connect: 'Connect',
  active: 'Active',
  openSent: 'OpenSent',
  openConfirm: 'OpenConfirm',
  established: 'Established',
} as const;
export type SessionState = (typeof SessionState)[keyof typeof SessionState];

/** The states a TCP connection passes through once it is up (the other three have no connection). */
export type ConnectionPhase =
  | typeof SessionState.openSent
  | typeof SessionState.openConfirm
  | typeof SessionState.established;
