import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One file at a time: the quick-start e2e and the Ctrl-C e2e each bridge 198.51.100.0/24 on the
// host, and create-lab's tests would compete with them for the two cores.
export default mergeConfig(packageTestConfig(import.meta.dirname), { test: { fileParallelism: false } });
