import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { rolldown } from 'rolldown';
import { afterEach, describe, expect, it } from 'vitest';
import { builtinModulesPlugin, builtinSpecifier, exportableNames } from './builtin-modules-plugin.ts';

const run = promisify(execFile);
let dir: string | undefined;

afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Bundles `entry` (an ES module's source) with the plugin, runs it, returns its stdout. */
async function bundleAndRun(entry: string, plugins = [builtinModulesPlugin()]): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'bmlb-builtins-'));
  await writeFile(path.join(dir, 'entry.js'), entry);
  const build = await rolldown({ input: path.join(dir, 'entry.js'), platform: 'node', plugins });
  await build.write({ dir: path.join(dir, 'out'), format: 'esm' });
  await build.close();
  const { stdout } = await run(process.execPath, [path.join(dir, 'out', 'entry.js')]);
  return stdout.trim();
}

const reportUndici = `console.log(JSON.stringify({
  undici: process.moduleLoadList.some((m) => m.includes('undici')),
  webcrypto: process.moduleLoadList.some((m) => m.includes('webcrypto')),
}));`;

describe('builtinSpecifier', () => {
  it('names built-ins with the node: prefix, with or without it in the import', () => {
    expect(builtinSpecifier('node:http')).toBe('node:http');
    expect(builtinSpecifier('http')).toBe('node:http');
    expect(builtinSpecifier('fs/promises')).toBe('node:fs/promises');
    expect(builtinSpecifier('node:test')).toBe('node:test');
  });

  it('leaves everything else alone', () => {
    expect(builtinSpecifier('pino')).toBeUndefined();
    expect(builtinSpecifier('./http')).toBeUndefined();
    expect(builtinSpecifier('node:nonexistent')).toBeUndefined();
  });
});

describe('exportableNames', () => {
  it('exports data properties, never getters, default or reserved words', () => {
    const module = { plain: 1, fn() {}, default: 2, delete: 3, 'not-an-identifier': 4 };
    Object.defineProperty(module, 'lazy', { get: () => 5, enumerable: true });
    expect(exportableNames(module)).toEqual(['fn', 'plain']);
  });
});

describe('builtinModulesPlugin in a bundle', () => {
  it("imports node:http and node:crypto without loading Node's undici or WebCrypto", async () => {
    const entry = `import http, { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
console.log(typeof createServer, http.createServer === createServer, createHash('sha256').update('x').digest('hex').slice(0, 8), typeof os.homedir);
${reportUndici}`;
    const [first, loaded] = (await bundleAndRun(entry)).split('\n');
    expect(first).toBe('function true 2d711642 function');
    expect(JSON.parse(loaded!)).toEqual({ undici: false, webcrypto: false });
  });

  it('is what makes the difference: without it the same bundle loads both', async () => {
    const entry = `import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
console.log(typeof createServer, typeof createHash);
${reportUndici}`;
    const [, loaded] = (await bundleAndRun(entry, [])).split('\n');
    expect(JSON.parse(loaded!)).toEqual({ undici: true, webcrypto: true });
  });

  it("leaves bundled CommonJS require() calls as Node's own", async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bmlb-builtins-'));
    await writeFile(
      path.join(dir, 'lib.cjs'),
      "const EventEmitter = require('events'); module.exports = typeof EventEmitter;",
    );
    await writeFile(path.join(dir, 'entry.js'), "import kind from './lib.cjs'; console.log(kind);");
    const build = await rolldown({
      input: path.join(dir, 'entry.js'),
      platform: 'node',
      plugins: [builtinModulesPlugin()],
    });
    await build.write({ dir: path.join(dir, 'out'), format: 'esm' });
    await build.close();
    const { stdout } = await run(process.execPath, [path.join(dir, 'out', 'entry.js')]);
    expect(stdout.trim()).toBe('function');
  });

  it('fails the build when a getter is imported by name', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bmlb-builtins-'));
    await writeFile(
      path.join(dir, 'entry.js'),
      "import { webcrypto } from 'node:crypto'; console.log(webcrypto);",
    );
    const build = await rolldown({
      input: path.join(dir, 'entry.js'),
      platform: 'node',
      plugins: [builtinModulesPlugin()],
    });
    await expect(build.write({ dir: path.join(dir, 'out'), format: 'esm' })).rejects.toThrow(/webcrypto/);
    await build.close();
  });

  it('puts each stand-in in a chunk of its own, which imports nothing', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bmlb-builtins-'));
    await writeFile(
      path.join(dir, 'a.js'),
      "import { readFileSync } from 'node:fs'; export const a = typeof readFileSync;",
    );
    await writeFile(
      path.join(dir, 'b.js'),
      "import { a } from './a.js'; import { join } from 'node:path'; console.log(a, typeof join);",
    );
    await writeFile(path.join(dir, 'c.js'), "import { a } from './a.js'; console.log(a);");
    const build = await rolldown({
      input: [path.join(dir, 'b.js'), path.join(dir, 'c.js')],
      platform: 'node',
      plugins: [builtinModulesPlugin()],
    });
    await build.write({ dir: path.join(dir, 'out'), format: 'esm' });
    await build.close();
    const files = await readdir(path.join(dir, 'out'));
    for (const name of ['node-fs', 'node-path']) {
      const chunk = files.find((f) => f.startsWith(`${name}-`));
      expect(chunk, name).toBeDefined();
      expect(await readFile(path.join(dir, 'out', chunk!), 'utf8')).not.toMatch(/\bimport\b/);
    }
    const { stdout } = await run(process.execPath, [path.join(dir, 'out', 'b.js')]);
    expect(stdout.trim()).toBe('function function');
  });

  it('reads a built-in that only a lazily imported chunk uses when that chunk loads, and an unused import not at all', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'bmlb-builtins-'));
    await writeFile(
      path.join(dir, 'lazy.js'),
      "import { createInterface } from 'node:readline'; export const r = typeof createInterface;",
    );
    await writeFile(
      path.join(dir, 'unused.js'),
      "import { Socket } from 'node:dgram'; export const s = Socket;",
    );
    const loaded =
      "process.moduleLoadList.filter((m) => m === 'NativeModule readline' || m === 'NativeModule dgram')";
    await writeFile(
      path.join(dir, 'main.js'),
      `import './unused.js'; console.log(JSON.stringify(${loaded})); const { r } = await import('./lazy.js'); console.log(r, JSON.stringify(${loaded}));`,
    );
    const build = await rolldown({
      input: path.join(dir, 'main.js'),
      platform: 'node',
      plugins: [builtinModulesPlugin()],
    });
    await build.write({ dir: path.join(dir, 'out'), format: 'esm' });
    await build.close();
    const { stdout } = await run(process.execPath, [path.join(dir, 'out', 'main.js')]);
    expect(stdout.trim().split('\n')).toEqual(['[]', 'function ["NativeModule readline"]']);
  });
});
