import path from 'node:path';
import { defineProject } from 'vitest/config';

/**
 * The vitest settings every workspace shares: resolve workspace packages to their TypeScript
 * source, and write a JSON report that scripts/run-tests.ts sums into one closing line.
 */
export function packageTestConfig(packageDir: string, overrides: { testTimeoutMs?: number } = {}) {
  const name = path.basename(packageDir);
  return defineProject({
    resolve: { conditions: ['@baremetal-lb/source', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['@baremetal-lb/source', 'module', 'node', 'default'] } },
    environments: {
      __vitest__: { resolve: { conditions: ['@baremetal-lb/source', 'module', 'node', 'default'] } },
    },
    test: {
      name,
      root: packageDir,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'tests/**/*.test.ts'],
      testTimeout: overrides.testTimeoutMs ?? 20_000,
      hookTimeout: 120_000,
      reporters: ['default', ['json', { outputFile: path.join(packageDir, '.test-results/vitest.json') }]],
    },
  });
}
