/**
 * `npm run images [-- --only controller|speaker] [-- --quiet]`: builds the images with podman
 * and prints their sizes and build times. Needs root and the Debian packages podman, buildah,
 * runc and debootstrap; says plainly what is missing.
 */
import { parseArgs } from 'node:util';
import { findMissing } from '@baremetal-lb/lab';
import { type AppName, apps } from './app-images.ts';
import { buildImages } from './build-images.ts';
import { ImageError } from './image-error.ts';
import { imagesNeeds } from './images-needs.ts';
import { Podman } from './podman.ts';

const usage = `Usage: npm run images [-- --only controller|speaker] [-- --quiet]

Builds ghcr.io/baremetal-lb/controller and ghcr.io/baremetal-lb/speaker from apps/*/Dockerfile
with podman, on a local Node 24 base image (Debian bookworm by debootstrap + the pinned node
package), which is built once and again only when its inputs change. Needs root.
`;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<number> {
  let values: { only?: string; quiet?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { only: { type: 'string' }, quiet: { type: 'boolean' }, help: { type: 'boolean' } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  if (values.only !== undefined && !(apps as readonly string[]).includes(values.only)) {
    process.stderr.write(`--only: "${values.only}" is not one of ${apps.join(', ')}\n\n${usage}`);
    return 2;
  }
  const missing = findMissing(imagesNeeds());
  if (missing.length > 0) {
    process.stderr.write(
      `npm run images cannot start. It needs:\n${missing.map((m) => `  - ${m}`).join('\n')}\n`,
    );
    return 1;
  }
  const podman = Podman.create();
  const print = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const result = await buildImages(podman, {
      ...(values.only === undefined ? {} : { only: [values.only as AppName] }),
      log: values.quiet ? () => {} : print,
    });
    const base = await podman.imageSize(result.base.ref);
    const rows: [string, string, string, number][] = [[result.base.ref, mib(base.bytes), '', result.base.ms]];
    for (const image of result.images) {
      const size = await podman.imageSize(image.ref);
      rows.push([image.ref, mib(size.bytes), mib(size.bytes - base.bytes), image.ms]);
    }
    const width = Math.max(...rows.map(([ref]) => ref.length));
    print(`\n${'image'.padEnd(width)} ${'size'.padStart(10)} ${'ours'.padStart(10)} ${'build'.padStart(8)}`);
    for (const [ref, size, ours, ms] of rows) {
      print(
        `${ref.padEnd(width)} ${size.padStart(10)} ${ours.padStart(10)} ${`${(ms / 1000).toFixed(1)} s`.padStart(8)}`,
      );
    }
    print(`\nall in ${(result.ms / 1000).toFixed(1)} s (containers.conf: ${podman.confFile})`);
    return 0;
  } catch (error) {
    const text = error instanceof ImageError ? `${error.code}: ${error.message}` : (error as Error).stack;
    process.stderr.write(`\nnpm run images failed:\n${text}\n`);
    return 1;
  }
}

process.exitCode = await main();
