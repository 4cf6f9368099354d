import { describe, expect, it } from 'vitest';
import { type BaseImageInputs, baseImageRef, readBaseImageInputs } from './base-image.ts';

describe('the base image inputs', () => {
  it("are the pinned node 24 package and package.json's npm", () => {
    const inputs = readBaseImageInputs();
    expect(inputs.nodeVersion).toMatch(/^24\.\d+\.\d+$/);
    expect(inputs.npmVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(inputs.recipe).toMatch(/^[0-9a-f]{64}$/);
  });

  it('name the image: the same inputs the same tag, any changed input another', () => {
    const inputs: BaseImageInputs = {
      suite: 'bookworm',
      mirror: 'http://deb.debian.org/debian',
      nodeVersion: '24.21.0',
      nodePackageDir: '/somewhere',
      npmVersion: '11.19.1',
      recipe: 'a'.repeat(64),
    };
    const ref = baseImageRef(inputs);
    expect(ref).toMatch(/^localhost\/baremetal-lb\/node-base:24\.21\.0-bookworm-[0-9a-f]{12}$/);
    expect(baseImageRef({ ...inputs, nodePackageDir: '/elsewhere' })).toBe(ref);
    for (const change of [
      { nodeVersion: '24.22.0' },
      { npmVersion: '11.20.0' },
      { recipe: 'b'.repeat(64) },
      { mirror: 'http://x/debian' },
    ]) {
      expect(baseImageRef({ ...inputs, ...change })).not.toBe(ref);
    }
  });
});
