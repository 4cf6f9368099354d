import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One shared API server (with deploy/crds installed) for every test file of this package; helm
// installs and server dry runs are slow on two busy cores, hence the longer test timeout.
export default mergeConfig(packageTestConfig(import.meta.dirname, { testTimeoutMs: 120_000 }), {
  test: { globalSetup: ['./test/envtest-setup.ts'] },
});
