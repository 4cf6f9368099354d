import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One real kube-apiserver + etcd (tools/envtest) for the whole run. Integration test files
// isolate by namespace and loadBalancerClass, and run one at a time: the RBAC test runs a
// classless controller (the default), and two cores are busy enough with one API server.
export default mergeConfig(packageTestConfig(import.meta.dirname), {
  test: { globalSetup: ['./test/global-setup.ts'], fileParallelism: false },
});
