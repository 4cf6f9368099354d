export { LeaderError, LeaderErrorCode } from './leader-error.ts';
export type { Candidate, CandidateInput } from './ranking/rank-candidates.ts';
export { electLeader, rankCandidates } from './ranking/rank-candidates.ts';
