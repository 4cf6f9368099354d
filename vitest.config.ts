import { defineConfig } from 'vitest/config';

// Runs every workspace's tests in one vitest process: `npx vitest`. `npm test` goes through
// turbo instead, so results are cached per package.
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*', 'tools/*'] },
});
