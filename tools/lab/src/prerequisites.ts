/**
 * Host prerequisites of the tests that need more than Node: root, a command from a Debian package,
 * the Go toolchain. A suite whose prerequisite is missing is skipped with one loud line naming what
 * is missing; with BMLB_REQUIRE_ALL=1 (CI) a missing prerequisite fails the suite instead.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** What a test suite needs from the host. */
export type Needs = {
  /** Needs uid 0 (network namespaces, AF_PACKET). */
  readonly root?: boolean;
  /** Commands that must be on PATH, each with the Debian package that provides it. */
  readonly commands?: readonly CommandNeed[];
  /** Files off PATH (such as CNI plugins in /usr/lib/cni), each with the Debian package that provides it. */
  readonly files?: readonly FileNeed[];
};

export type FileNeed = { readonly path: string; readonly debianPackage: string };

export type CommandNeed = { readonly name: string; readonly debianPackage: string };

/** Thrown when BMLB_REQUIRE_ALL=1 and a prerequisite is missing. */
export class MissingPrerequisiteError extends Error {
  readonly code = 'ERR_MISSING_PREREQUISITE';
  readonly suite: string;
  readonly missing: readonly string[];
  constructor(suite: string, missing: readonly string[]) {
    super(`${suite}: BMLB_REQUIRE_ALL=1 but missing ${missing.join('; ')}`);
    this.name = 'MissingPrerequisiteError';
    this.suite = suite;
    this.missing = missing;
  }
}

/** Whether `name` is an executable on PATH. */
export function hasCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${JSON.stringify(name)}`], { stdio: 'ignore' }).status === 0;
}

/** Describes each missing prerequisite in plain words; empty when everything is there. */
export function findMissing(needs: Needs): string[] {
  const missing: string[] = [];
  if (needs.root && process.getuid?.() !== 0) missing.push('root (run as uid 0)');
  for (const command of needs.commands ?? []) {
    if (!hasCommand(command.name)) {
      missing.push(`command "${command.name}" (apt-get install ${command.debianPackage})`);
    }
  }
  for (const file of needs.files ?? []) {
    if (!existsSync(file.path)) missing.push(`file "${file.path}" (apt-get install ${file.debianPackage})`);
  }
  return missing;
}

/**
 * Returns true when `suite` can run. Otherwise prints one loud line and returns false, or throws
 * MissingPrerequisiteError under BMLB_REQUIRE_ALL=1. Use with `describe.skipIf(!ready)`.
 */
export function checkPrerequisites(suite: string, needs: Needs): boolean {
  const missing = findMissing(needs);
  if (missing.length === 0) return true;
  if (process.env.BMLB_REQUIRE_ALL === '1') throw new MissingPrerequisiteError(suite, missing);
  console.warn(`\n*** SKIPPING ${suite}: missing ${missing.join('; ')} ***\n`);
  return false;
}
