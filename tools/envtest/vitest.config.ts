import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One shared API server (with deploy/crds installed) for every test file of this package.
export default mergeConfig(packageTestConfig(import.meta.dirname), {
  test: { globalSetup: ['./src/vitest/global-setup.ts'] },
});
