/**
 * `helm lint --strict` on deploy/helm/baremetal-lb with the default values and with a values file
 * that sets every value values.yaml documents; values.schema.json makes lint refuse a wrong type.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { LabCommandError } from '@baremetal-lb/lab';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartDir } from '../src/deploy-paths.ts';
import { prepareDeployTools } from '../src/deploy-tools.ts';

const everyValue = path.join(import.meta.dirname, 'fixtures/every-value.yaml');
const tools = await prepareDeployTools('deploy/: helm lint');
afterAll(() => tools?.dispose());

/** "a.b.c" for every leaf of a values tree (lists and empty maps are leaves). */
function leafPaths(value: unknown, prefix = ''): string[] {
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    Object.keys(value).length === 0
  ) {
    return [prefix];
  }
  return Object.entries(value).flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
}

describe.skipIf(!tools)('helm lint --strict', () => {
  const lint = (...args: string[]) => tools!.run('helm', ['lint', '--strict', chartDir, ...args]);

  it('passes with the default values', async () => {
    const { stdout } = await lint();
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('passes with every documented value set', async () => {
    const { stdout } = await lint('-f', everyValue);
    expect(stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
  });

  it('the full values file really sets every value of values.yaml', async () => {
    const defaults = leafPaths(parse(await readFile(path.join(chartDir, 'values.yaml'), 'utf8')));
    const full = new Set(leafPaths(parse(await readFile(everyValue, 'utf8'))));
    // A map documented as a leaf ({}) is set when the file gives it keys.
    const set = (leaf: string) => full.has(leaf) || [...full].some((p) => p.startsWith(`${leaf}.`));
    expect(defaults.filter((leaf) => !set(leaf))).toEqual([]);
  });

  it.each([
    ['controller.replicas=two', /controller\.replicas|\/controller\/replicas/, /integer/],
    ['speaker.logLevel=loud', /speaker\.logLevel|\/speaker\/logLevel/, /trace|info/],
    ['prometheus.podMonitor.enabled=maybe', /podMonitor|enabled/, /boolean/],
    ['controler.replicas=3', /controler/, /additional|not allowed/i],
  ])('refuses --set %s with a message naming the value', async (set, names, why) => {
    const error = await lint('--set', set).then(
      () => expect.fail('helm lint accepted it'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LabCommandError);
    const output = `${(error as LabCommandError).stdout}${(error as LabCommandError).stderr}`;
    expect(output).toMatch(/schema/i);
    expect(output).toMatch(names);
    expect(output).toMatch(why);
  });
});
