/**
 * Server-side dry-run apply: the API server runs validation, defaulting, CRD schemas and CEL rules
 * and admission, and persists nothing. With kubectl when it is on PATH (`kubectl apply
 * --dry-run=server`), otherwise through @kubernetes/client-node (server-side apply, dryRun=All).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { LabError } from '../lab-error.ts';
import { hasCommand } from '../prerequisites.ts';
import { runCommand } from '../run-command.ts';
import { type KubeObject, objectKey } from './kube-manifest.ts';

export const DryRunTool = { kubectl: 'kubectl', clientNode: 'client-node' } as const;
export type DryRunTool = (typeof DryRunTool)[keyof typeof DryRunTool];

/** The API server rejected an object of a dry run. */
export class DryRunRejectedError extends LabError {
  readonly object: string;
  constructor(object: string, reason: string) {
    super('ERR_LAB_DRY_RUN_REJECTED', `dry run rejected "${object}": ${reason}`);
    this.object = object;
  }
}

export type DryRunSource =
  | { readonly kustomizationDir: string }
  | { readonly objects: readonly KubeObject[] };

/**
 * Dry-run applies a kustomization directory (`-k`) or a list of objects. With kubectl the
 * kustomization is built by kubectl itself; with client-node the caller passes built objects.
 * Resolves with what the tool reported per object; rejects with DryRunRejectedError.
 */
export async function dryRunApply(
  kubeconfigPath: string,
  source: DryRunSource,
  tool: DryRunTool = hasCommand('kubectl') ? DryRunTool.kubectl : DryRunTool.clientNode,
): Promise<{ readonly tool: DryRunTool; readonly applied: readonly string[] }> {
  if (tool === DryRunTool.kubectl) return { tool, applied: await applyWithKubectl(kubeconfigPath, source) };
  if ('kustomizationDir' in source) {
    throw new LabError(
      'ERR_LAB_DRY_RUN_SOURCE',
      'client-node dry runs take built objects, not a kustomization directory',
    );
  }
  return { tool, applied: await applyWithClient(kubeconfigPath, source.objects) };
}

async function applyWithKubectl(kubeconfigPath: string, source: DryRunSource): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-dry-run-'));
  try {
    let target: string[];
    if ('kustomizationDir' in source) target = ['-k', source.kustomizationDir];
    else {
      const file = path.join(dir, 'objects.yaml');
      await writeFile(file, source.objects.map((o) => stringify(o)).join('---\n'));
      target = ['-f', file];
    }
    try {
      const { stdout } = await runCommand('kubectl', [
        'apply',
        '--dry-run=server',
        '--kubeconfig',
        kubeconfigPath,
        ...target,
      ]);
      return stdout.split('\n').filter((line) => line.trim() !== '');
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new DryRunRejectedError(target.join(' '), stderr.trim());
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function applyWithClient(kubeconfigPath: string, objects: readonly KubeObject[]): Promise<string[]> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const api = KubernetesObjectApi.makeApiClient(kc);
  const applied: string[] = [];
  for (const object of objects) {
    try {
      await api.patch(
        object as KubernetesObject,
        undefined,
        'All',
        'baremetal-lb-deploy-check',
        true,
        PatchStrategy.ServerSideApply,
      );
      applied.push(`${objectKey(object)} applied (server dry run)`);
    } catch (error) {
      throw new DryRunRejectedError(objectKey(object), apiErrorReason(error));
    }
  }
  return applied;
}

/** The Status message of a client-node ApiException, or the error text. */
export function apiErrorReason(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return error instanceof Error ? error.message : String(error);
}
