import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appImageRef, apps } from './app-images.ts';
import { repoRoot } from './repo-paths.ts';

describe('appImageRef', () => {
  it.each(apps)('tags %s exactly as deploy/ and the Helm chart name the image', (app) => {
    const manifest = readFileSync(path.join(repoRoot, 'deploy', `${app}.yaml`), 'utf8');
    const image = /^\s+image: (\S+)$/m.exec(manifest)?.[1];
    expect(appImageRef(app)).toBe(image);
  });
});
