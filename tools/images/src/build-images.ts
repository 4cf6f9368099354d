/** `npm run images`: the base (if its inputs changed), then both app images, timed. */
import { type AppName, apps, type BuiltImage, buildAppImage } from './app-images.ts';
import { baseImageRepository, type EnsureBaseResult, ensureBaseImage } from './base-image.ts';
import type { Podman } from './podman.ts';

export type BuildImagesResult = {
  readonly base: EnsureBaseResult;
  readonly images: readonly BuiltImage[];
  readonly ms: number;
};

export async function buildImages(
  podman: Podman,
  options: { readonly only?: readonly AppName[]; readonly log?: (line: string) => void } = {},
): Promise<BuildImagesResult> {
  const log = options.log ?? (() => {});
  const start = performance.now();
  const base = await ensureBaseImage(podman, log);
  log(`base ${base.ref} ${base.built ? `built in ${(base.ms / 1000).toFixed(1)} s` : '(cached)'}`);
  if (base.built) await removeOtherBases(podman, base.ref, log);
  const images: BuiltImage[] = [];
  for (const app of options.only ?? apps) {
    log(`podman build apps/${app}/Dockerfile`);
    images.push(await buildAppImage(podman, app, base.ref, log));
  }
  return { base, images, ms: performance.now() - start };
}

/** Base images of earlier inputs are never used again; each holds ~280 MB. */
async function removeOtherBases(podman: Podman, keep: string, log: (line: string) => void): Promise<void> {
  const refs = (await podman.run(['images', '--format={{.Repository}}:{{.Tag}}', baseImageRepository]))
    .split('\n')
    .filter((ref) => ref !== '' && ref !== keep);
  for (const ref of refs) {
    // An image still used by another (older app images) stays; that is fine.
    if (await podman.succeeds(['rmi', ref])) log(`removed the outdated base ${ref}`);
  }
}
