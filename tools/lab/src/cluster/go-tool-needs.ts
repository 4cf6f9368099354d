/**
 * What running a Go tool of tools/envtest needs from the host: Go, unless the binary is built
 * (tools/envtest/bin/NAME) or named by BMLB_ENVTEST_<NAME> (the variables envtest reads).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Needs } from '../prerequisites.ts';

export const repoRoot = path.resolve(import.meta.dirname, '../../../..');

export function goToolNeeds(names: readonly string[], env: NodeJS.ProcessEnv = process.env): Needs {
  const available = (name: string) =>
    env[`BMLB_ENVTEST_${name.toUpperCase().replaceAll('-', '_')}`] !== undefined ||
    existsSync(path.join(repoRoot, 'tools/envtest/bin', name));
  return names.every(available)
    ? {}
    : { commands: [{ name: 'go', debianPackage: 'golang-go (Go >= 1.26)' }] };
}
