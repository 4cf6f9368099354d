export type { CommandNeed, Needs } from './prerequisites.ts';
export { checkPrerequisites, findMissing, hasCommand, MissingPrerequisiteError } from './prerequisites.ts';
