import { describe, expect, it } from 'vitest';
import { imageRuntime, parseImageRuntime } from './image-runtime.ts';

describe('parseImageRuntime', () => {
  it('reads the final stage: node options, script and ENV', () => {
    const runtime = parseImageRuntime(
      [
        'FROM base AS builder',
        'ENV BUILD_ONLY=1',
        'ENTRYPOINT ["node", "--wrong"]',
        'FROM base',
        'ENV NODE_ENV=production',
        'ENV MALLOC_ARENA_MAX=2 OTHER=x',
        'ENTRYPOINT ["node", "--max-semi-space-size=1", "apps/speaker/dist/main.js"]',
      ].join('\n'),
    );
    expect(runtime).toEqual({
      nodeOptions: ['--max-semi-space-size=1'],
      script: 'apps/speaker/dist/main.js',
      env: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2', OTHER: 'x' },
    });
  });

  it('refuses an ENTRYPOINT that is not an exec-form node call', () => {
    expect(() => parseImageRuntime('FROM x\nENTRYPOINT node main.js\n')).toThrow(/ENTRYPOINT/);
    expect(() => parseImageRuntime('FROM x\nENTRYPOINT ["/bin/sh", "-c", "x"]\n')).toThrow(/ENTRYPOINT/);
  });

  it('reads both apps of this checkout', async () => {
    for (const app of ['controller', 'speaker'] as const) {
      expect((await imageRuntime(app)).script).toBe(`apps/${app}/bundle/main.js`);
    }
  });
});
