/**
 * Tests read deploy/ (the CRDs envtest installs, the manifests the lab and the speaker e2e read)
 * and the shared root configuration. turbo must hash those files into every test task, or a change
 * there replays a cached pass instead of running the tests again.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');

describe('turbo test inputs', () => {
  it('hash every file under deploy/ and the shared test configuration into the test tasks', () => {
    const dry = JSON.parse(
      execFileSync('npx', ['turbo', 'run', 'test', '--filter=@baremetal-lb/test-run', '--dry=json'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    ) as { globalCacheInputs: { files: Record<string, string> } };
    const hashed = Object.keys(dry.globalCacheInputs.files);
    const tracked = execFileSync('git', ['ls-files', 'deploy'], { cwd: root, encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(tracked.length).toBeGreaterThan(10);
    expect(hashed).toEqual(expect.arrayContaining([...tracked, 'vitest.shared.ts', 'tsconfig.base.json']));
  });
});
