/** Where deploy/ and its chart are, from either src/ or dist/. */
import path from 'node:path';

export const repoRoot: string = path.resolve(import.meta.dirname, '../../..');
export const deployDir: string = path.join(repoRoot, 'deploy');
export const chartDir: string = path.join(deployDir, 'helm/baremetal-lb');
