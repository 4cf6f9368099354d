import { inject } from 'vitest';
import type { EnvtestContext } from './envtest-context.ts';

/**
 * The shared envtest of this test run, or undefined when the suite was skipped (use with
 * `describe.skipIf(!envtest)`). Throws when no envtest globalSetup is configured, since that is
 * a configuration mistake, not a missing prerequisite.
 */
export function injectEnvtest(): EnvtestContext | undefined {
  const context = inject('envtest');
  if (context === undefined) {
    throw new Error('no envtest globalSetup: add @baremetal-lb/envtest/global-setup to vitest globalSetup');
  }
  return context ?? undefined;
}
