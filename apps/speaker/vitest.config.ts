import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One real kube-apiserver + etcd (tools/envtest, deploy/crds installed) for tests/integration;
// the e2e suite starts its own on the lab bridge.
export default mergeConfig(packageTestConfig(import.meta.dirname), {
  test: { globalSetup: ['./tests/envtest-setup.ts'] },
});
