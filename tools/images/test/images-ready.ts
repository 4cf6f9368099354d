/**
 * Shared set-up of the suites that need the images: the prerequisites (loud skip, or a failure
 * under BMLB_REQUIRE_ALL=1), then `npm run images`'s build (cached: a no-op when nothing changed).
 */
import { checkPrerequisites } from '@baremetal-lb/lab';
import { buildImages } from '../src/build-images.ts';
import { imagesNeeds } from '../src/images-needs.ts';
import { Podman } from '../src/podman.ts';

/** Why 40 min: a cold build (debootstrap, two npm ci, the addon) on two busy cores; a warm one takes seconds. */
export const buildTimeoutMs = 40 * 60_000;

export function imagesReady(suite: string): boolean {
  return checkPrerequisites(suite, imagesNeeds());
}

/** Builds (or finds cached) both images; build output only on failure. */
export async function buildTestImages(): Promise<Podman> {
  const podman = Podman.create();
  const start = performance.now();
  const result = await buildImages(podman);
  console.info(
    `images ready in ${((performance.now() - start) / 1000).toFixed(1)} s: ${result.images.map((i) => i.ref).join(', ')} on ${result.base.ref}`,
  );
  return podman;
}
