import { packageTestConfig } from '../../vitest.shared.ts';

// FUZZ=1 runs the property tests 100x longer (minutes), past the default per-test timeout.
export default packageTestConfig(
  import.meta.dirname,
  process.env.FUZZ === '1' ? { testTimeoutMs: 3_600_000 } : {},
);
