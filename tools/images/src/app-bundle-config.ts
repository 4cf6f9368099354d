/**
 * The rolldown configuration of an app as its image runs it (apps/speaker and apps/controller
 * rolldown.config.ts, `npm run bundle`): the compiled dist/ of the app and every package it uses,
 * with pino and the rest of its JavaScript dependencies, bundled into bundle/. One file per thread
 * instead of about 250 modules, each with its module record, loader state and compiled top-level
 * code: 4-5 MiB less RSS once running and a third less start-up time (apps/speaker/README.md,
 * "Footprint and start-up").
 *
 * The packet-socket addon stays a file of its package, found through node_modules at run time,
 * and so does node-gyp-build, which loads it.
 */
import { defineConfig, type RolldownOptions } from 'rolldown';
import { builtinModulesPlugin } from './builtin-modules-plugin.ts';

/** `input`: entry name → compiled file, one per thread the app starts. */
export function appBundleConfig(input: Readonly<Record<string, string>>): RolldownOptions {
  return defineConfig({
    input: { ...input },
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
}
