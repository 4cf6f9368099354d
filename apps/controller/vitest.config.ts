import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One real kube-apiserver + etcd (tools/envtest) for the whole run; integration test files
// isolate by namespace and loadBalancerClass.
export default mergeConfig(packageTestConfig(import.meta.dirname), {
  test: { globalSetup: ['./test/global-setup.ts'] },
});
