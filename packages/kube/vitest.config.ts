import { packageTestConfig } from '../../vitest.shared.ts';

// Unit tests only; the tests against a real API server are in tools/kube-integration (they need
// tools/envtest, which itself uses this package).
export default packageTestConfig(import.meta.dirname);
