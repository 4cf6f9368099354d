/**
 * The controller as the image runs it: the compiled dist/ of the app and every package it uses,
 * with pino and the rest of its JavaScript dependencies, bundled into bundle/ (`npm run bundle`;
 * apps/speaker/rolldown.config.ts has the why). The packet-socket addon (malloc trimming) stays
 * a file of its package, found through node_modules at run time, with node-gyp-build to load it.
 */
import { defineConfig } from 'rolldown';
import { builtinModulesPlugin } from '../../tools/images/src/builtin-modules-plugin.ts';

export default defineConfig({
  input: { main: 'dist/main.js' },
  platform: 'node',
  plugins: [builtinModulesPlugin()],
  external: ['node-gyp-build'],
  // keepNames: error names and stack traces as written (apps/speaker/rolldown.config.ts).
  output: {
    dir: 'bundle',
    format: 'esm',
    minify: true,
    keepNames: true,
    sourcemap: true,
    // One non-ASCII character makes V8 hold a whole script's source as a two-byte string (see the
    // speaker's rolldown.config.ts).
    charset: 'ascii',
    // Chunks of earlier builds (hashed names) would otherwise pile up beside the new ones.
    cleanDir: true,
  },
});
