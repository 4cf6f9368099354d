/** Where things are: the repository root (build context), and the cache of this tooling. */
import path from 'node:path';

/** src/ and dist/ are both two levels below tools/images. */
export const repoRoot = path.resolve(import.meta.dirname, '../../..');

/** containers.conf, the npm tarball of the base image; inside node_modules, so never in a build context. */
export const imagesCacheDir = path.join(repoRoot, 'node_modules/.cache/bmlb-images');
