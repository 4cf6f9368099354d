/**
 * The two images, built from apps/<app>/Dockerfile with the repository root as context, on the
 * local base (the Dockerfiles' NODE_IMAGE build argument), and tagged exactly as deploy/ names
 * them, so a kubelet with IfNotPresent would run them as they are.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Podman } from './podman.ts';
import { repoRoot } from './repo-paths.ts';

export const apps = ['controller', 'speaker'] as const;
export type AppName = (typeof apps)[number];

/** `ghcr.io/baremetal-lb/<app>:<version of apps/<app>/package.json>`. */
export function appImageRef(app: AppName, root: string = repoRoot): string {
  const { version } = JSON.parse(readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8')) as {
    version: string;
  };
  return `ghcr.io/baremetal-lb/${app}:${version}`;
}

export type BuiltImage = { readonly app: AppName; readonly ref: string; readonly ms: number };

export async function buildAppImage(
  podman: Podman,
  app: AppName,
  baseRef: string,
  onOutput: (line: string) => void = () => {},
): Promise<BuiltImage> {
  const start = performance.now();
  const ref = appImageRef(app);
  await podman.run(
    [
      'build',
      '--file',
      path.join(repoRoot, 'apps', app, 'Dockerfile'),
      '--build-arg',
      `NODE_IMAGE=${baseRef}`,
      // The base is local; nothing is pulled from a registry.
      '--pull=never',
      // RUN steps (apt-get, npm ci) use the host's network: no bridge, no NAT, no new addresses.
      '--network=host',
      '--layers',
      ...buildCaSecret(),
      '--tag',
      ref,
      repoRoot,
    ],
    { onOutput },
  );
  return { app, ref, ms: performance.now() - start };
}

/**
 * The CA bundle npm in the builder must trust, as build secret `build-ca` (see the Dockerfiles):
 * $NODE_EXTRA_CA_CERTS, the way this machine's own Node trusts a TLS-inspecting proxy, if set.
 */
function buildCaSecret(env: NodeJS.ProcessEnv = process.env): string[] {
  const file = env.NODE_EXTRA_CA_CERTS;
  return file !== undefined && existsSync(file) ? [`--secret=id=build-ca,src=${file}`] : [];
}
