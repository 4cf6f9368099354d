/**
 * The images a real-cluster run loads into every node's containerd (`ctr images import`), since
 * no registry is reachable: the controller and speaker images of `npm run images` (tagged as
 * deploy/ names them), a pause image (images/pause.c, built static) for the pod sandboxes, and
 * `hostname-http`, Debian's static busybox answering HTTP on 8080 with the pod's name (its
 * hostname), the walkthrough's two-replica app. Each is saved once as a docker-archive per image
 * ID under node_modules/.cache/bmlb-real-cluster, so a warm run only imports.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nodeBinary } from '../cluster/api-server-process.ts';
import { repoRoot } from '../cluster/go-tool-needs.ts';
import { LabError } from '../lab-error.ts';
import { runCommand } from '../run-command.ts';

export const clusterCacheDir = path.join(repoRoot, 'node_modules/.cache/bmlb-real-cluster');
const labImagePrefix = 'localhost/baremetal-lb-lab';
const busybox = '/bin/busybox';
/** Why 30 min: `npm run images` from a cold cache builds a Debian base and two images on 2 cores. */
const imageBuildTimeoutMs = 30 * 60_000;

export type ImageArchive = { readonly ref: string; readonly file: string };

export type ClusterImages = {
  readonly pause: ImageArchive;
  readonly web: ImageArchive;
  readonly controller: ImageArchive;
  readonly speaker: ImageArchive;
};

const webEntrypoint = [
  busybox,
  'sh',
  '-c',
  `${busybox} mkdir -p /www && ${busybox} hostname > /www/hostname && ${busybox} cp /www/hostname /www/index.html && exec ${busybox} httpd -f -p 8080 -h /www`,
];

/** Builds `ref`'s image from `files` (name → source path) and a Containerfile, unless it exists. */
async function buildScratchImage(
  name: string,
  files: Readonly<Record<string, string>>,
  containerfile: string,
): Promise<string> {
  const hash = createHash('sha256').update(containerfile);
  for (const source of Object.values(files)) hash.update(await readFile(source));
  const ref = `${labImagePrefix}/${name}:${hash.digest('hex').slice(0, 12)}`;
  const exists = await runCommand('podman', ['image', 'exists', ref]).then(
    () => true,
    () => false,
  );
  if (exists) return ref;
  const context = path.join(clusterCacheDir, `context-${name}`);
  await mkdir(context, { recursive: true });
  for (const [target, source] of Object.entries(files)) await copyFile(source, path.join(context, target));
  await writeFile(path.join(context, 'Containerfile'), containerfile);
  await runCommand('podman', ['build', '--network=none', '--pull=never', '--tag', ref, context]);
  return ref;
}

/** `podman save` of `ref` as a docker-archive, once per image ID. */
async function saveArchive(ref: string): Promise<ImageArchive> {
  const { stdout } = await runCommand('podman', ['image', 'inspect', '--format', '{{.Id}}', ref]);
  const name = ref.replace(/^.*\//, '').replace(/[^a-z0-9.-]/gi, '_');
  const file = path.join(clusterCacheDir, 'archives', `${name}-${stdout.trim().slice(0, 12)}.tar`);
  if (!existsSync(file)) {
    await mkdir(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    await runCommand('podman', ['save', '--format', 'docker-archive', '--output', partial, ref]);
    await rename(partial, file);
  }
  return { ref, file };
}

/**
 * The controller's and speaker's image refs: `npm run images` (seconds when nothing changed; any
 * change under packages/, apps/ or tools/ rebuilds them), or with BMLB_LAB_USE_BUILT_IMAGES=1 the
 * images podman already has under deploy/'s names, for quick iterations on the lab itself.
 */
async function buildAppImages(log: (line: string) => void): Promise<(app: string) => string> {
  if (process.env.BMLB_LAB_USE_BUILT_IMAGES === '1') {
    log('images: BMLB_LAB_USE_BUILT_IMAGES=1, using the controller and speaker images podman has');
    const { stdout } = await runCommand('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}']);
    return (app) => {
      const ref = stdout.split('\n').find((line) => line.startsWith(`ghcr.io/baremetal-lb/${app}:`));
      if (ref === undefined)
        throw new LabError(
          'ERR_LAB_IMAGES',
          `podman has no ghcr.io/baremetal-lb/${app} image: run npm run images`,
        );
      return ref;
    };
  }
  log('images: npm run images (controller, speaker; cached when nothing changed)');
  const { stdout } = await runCommand(
    nodeBinary,
    ['--conditions=@baremetal-lb/source', path.join(repoRoot, 'tools/images/src/main.ts'), '--quiet'],
    { timeoutMs: imageBuildTimeoutMs },
  );
  const refs = [...stdout.matchAll(/^(ghcr\.io\/baremetal-lb\/(controller|speaker):\S+)/gm)];
  return (app) => {
    const ref = refs.find((match) => match[2] === app)?.[1];
    if (ref === undefined)
      throw new LabError('ERR_LAB_IMAGES', `npm run images printed no ${app} image:\n${stdout}`);
    return ref;
  };
}

/** Builds what is missing (the apps' images through `npm run images`, which caches) and saves archives. */
export async function prepareClusterImages(log: (line: string) => void = () => {}): Promise<ClusterImages> {
  await mkdir(clusterCacheDir, { recursive: true });
  const appRef = await buildAppImages(log);
  const pauseBinary = path.join(clusterCacheDir, 'pause');
  await runCommand('gcc', [
    '-static',
    '-Os',
    '-o',
    pauseBinary,
    path.join(import.meta.dirname, 'images/pause.c'),
  ]);
  const pause = await buildScratchImage(
    'pause',
    { pause: pauseBinary },
    'FROM scratch\nCOPY pause /pause\nENTRYPOINT ["/pause"]\n',
  );
  const web = await buildScratchImage(
    'hostname-http',
    { busybox },
    `FROM scratch\nCOPY busybox ${busybox}\nENTRYPOINT ${JSON.stringify(webEntrypoint)}\n`,
  );
  log('images: saving docker-archives (once per image ID)');
  return {
    pause: await saveArchive(pause),
    web: await saveArchive(web),
    controller: await saveArchive(appRef('controller')),
    speaker: await saveArchive(appRef('speaker')),
  };
}
