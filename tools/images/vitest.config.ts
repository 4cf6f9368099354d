import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.ts';

// One file at a time: the suites share the images (the first builds them) and the lab subnet.
export default mergeConfig(packageTestConfig(import.meta.dirname), { test: { fileParallelism: false } });
