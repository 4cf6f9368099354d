#!/usr/bin/env node
// Builds the N-API addon. Runs as the package's `install` script (so `npm ci` builds it) and as
// `npm run build:native` (with --force, to rebuild after editing native/).
//
// - Off Linux there is nothing to build: AF_PACKET is Linux-only and the TypeScript side throws
//   NotSupportedError there, so this exits 0 and `npm ci` keeps working.
// - Without --force an existing build that loads (node-gyp-build) is kept, unless a source
//   (native/, binding.gyp) is newer than it: a checkout that changed the C++ must not keep
//   running the old addon (its new classes would be missing).
// - node-gyp would download Node's headers from nodejs.org; we point it at headers already on
//   disk instead (--nodedir): $npm_config_nodedir, the running Node's own prefix, or the
//   `node-<platform>-<arch>` package that the root `node` devDependency installs.
// Set BMLB_SKIP_NATIVE=1 to skip the build entirely (the package then throws AddonNotBuiltError
// when a socket is opened).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '..');
const require = createRequire(path.join(packageDir, 'package.json'));
const force = process.argv.includes('--force');

if (process.platform !== 'linux') {
  console.log(
    `@baremetal-lb/packet-socket: no native build on ${process.platform} (AF_PACKET is Linux-only)`,
  );
  process.exit(0);
}
if (process.env.BMLB_SKIP_NATIVE === '1') {
  console.log('@baremetal-lb/packet-socket: BMLB_SKIP_NATIVE=1, native build skipped');
  process.exit(0);
}

/** Newest modification time (ms) of the files the addon is built from. */
function newestSourceMs() {
  const sources = [path.join(packageDir, 'binding.gyp')];
  for (const name of readdirSync(path.join(packageDir, 'native')))
    sources.push(path.join(packageDir, 'native', name));
  return Math.max(...sources.map((file) => statSync(file).mtimeMs));
}

const built = path.join(packageDir, 'build', 'Release', 'packet_socket.node');
if (!force && existsSync(built) && statSync(built).mtimeMs >= newestSourceMs()) {
  try {
    require('node-gyp-build')(packageDir);
    console.log('@baremetal-lb/packet-socket: native addon already built');
    process.exit(0);
  } catch {
    // Built for something else: build below.
  }
}

const hasHeaders = (dir) => existsSync(path.join(dir, 'include', 'node', 'node_api.h'));

function findNodeDir() {
  const candidates = [];
  if (process.env.npm_config_nodedir) candidates.push(process.env.npm_config_nodedir);
  candidates.push(path.resolve(path.dirname(realpathSync(process.execPath)), '..'));
  try {
    const nodePackage = require.resolve('node/package.json');
    const fromNode = createRequire(nodePackage);
    candidates.push(path.dirname(fromNode.resolve(`node-${process.platform}-${process.arch}/package.json`)));
  } catch {
    // The `node` devDependency is not installed (a consumer's install): rely on the others.
  }
  return candidates.find(hasHeaders);
}

const nodeDir = findNodeDir();
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const args = [nodeGyp, 'rebuild', '--release'];
if (nodeDir === undefined) {
  console.warn(
    '@baremetal-lb/packet-socket: no local Node headers found; node-gyp will try to download them',
  );
} else {
  args.push(`--nodedir=${nodeDir}`);
}
console.log(`@baremetal-lb/packet-socket: node-gyp rebuild${nodeDir ? ` --nodedir=${nodeDir}` : ''}`);
const result = spawnSync(process.execPath, args, { cwd: packageDir, stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    '@baremetal-lb/packet-socket: native build failed (needs g++, make and python3). ' +
      'Set BMLB_SKIP_NATIVE=1 to install without it.',
  );
}
process.exit(result.status ?? 1);
