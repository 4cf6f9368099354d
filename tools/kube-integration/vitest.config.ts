import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One real kube-apiserver + etcd (tools/envtest) for the integration tests, started with a client
// CA this suite signs certificates with (see test/global-setup.ts).
export default mergeConfig(packageTestConfig(import.meta.dirname), {
  test: { globalSetup: ['./test/global-setup.ts'], fileParallelism: false },
});
