/**
 * The speaker as the image runs it: the compiled dist/ of the app and every package it uses, with
 * pino and the rest of its JavaScript dependencies, bundled into bundle/ (`npm run bundle`). One
 * file per thread instead of about 250 modules, each with its module record, loader state and
 * compiled top-level code: 4-5 MiB less RSS once running and a third less start-up time
 * (apps/speaker/README.md, "Footprint and start-up").
 *
 * The BFD worker thread starts from a file beside the code that starts it (`new URL('./….js',
 * import.meta.url)`), so its entry keeps that name in the same directory. The packet-socket
 * addon stays a file of its package (found through node_modules at run time), and so does
 * node-gyp-build, which loads it.
 */
import { defineConfig } from 'rolldown';
import { builtinModulesPlugin } from '../../tools/images/src/builtin-modules-plugin.ts';

export default defineConfig({
  input: {
    main: 'dist/main.js',
    'bfd-worker-main': '../../packages/bfd/dist/bfd-worker-main.js',
  },
  platform: 'node',
  plugins: [builtinModulesPlugin()],
  external: ['node-gyp-build'],
  output: {
    dir: 'bundle',
    format: 'esm',
    minify: true,
    // Class and function names as written: error names (`new.target.name`) and stack traces.
    keepNames: true,
    sourcemap: true,
    // One non-ASCII character makes V8 hold a whole script's source as a two-byte string: the
    // speaker's main.js (384 kB, 8 such characters in messages) was 767 kB of heap instead of 384.
    charset: 'ascii',
    // Chunks of earlier builds (hashed names) would otherwise pile up beside the new ones.
    cleanDir: true,
  },
});
