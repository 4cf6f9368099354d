/**
 * installCrds: applies every CustomResourceDefinition in a folder of YAML files (server-side
 * apply, so reinstalling is idempotent) and waits until each is Established, i.e. served.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { ContentType } from '@baremetal-lb/kube';
import { parseAllDocuments } from 'yaml';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { withKubeClient } from './open-kube-client.ts';
import { waitUntil } from './wait-until.ts';

type CrdDocument = {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string };
  readonly status?: { readonly conditions?: readonly { readonly type: string; readonly status: string }[] };
};

const crdsPath = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
const fieldManager = 'baremetal-lb-envtest';

/** Reads the CRD documents of every .yaml/.yml file in `dir` (other kinds are skipped). */
export async function readCrdDocuments(dir: string): Promise<CrdDocument[]> {
  const files = (await readdir(dir)).filter((file) => /\.ya?ml$/.test(file)).sort();
  const documents: CrdDocument[] = [];
  for (const file of files) {
    const filePath = path.join(dir, file);
    for (const parsed of parseAllDocuments(await readFile(filePath, 'utf8'))) {
      const error = parsed.errors[0];
      if (error !== undefined) {
        throw new EnvtestError(
          EnvtestErrorCode.badManifest,
          `YAML error in "${filePath}": ${error.message}`,
          {
            file: filePath,
          },
        );
      }
      const document = parsed.toJS() as CrdDocument | null;
      if (document?.kind === 'CustomResourceDefinition') documents.push(document);
    }
  }
  return documents;
}

/** Returns the names of the CRDs installed from `dir`, once all are established. */
export async function installCrds(
  kubeconfigPath: string,
  dir: string,
  timeoutMs = 60_000,
): Promise<string[]> {
  const documents = await readCrdDocuments(dir);
  return withKubeClient(kubeconfigPath, async (client) => {
    const names: string[] = [];
    for (const document of documents) {
      const name = document.metadata?.name;
      if (!name)
        throw new EnvtestError(EnvtestErrorCode.badManifest, `a CRD in "${dir}" has no metadata.name`, {
          dir,
        });
      await client.request('PATCH', `${crdsPath}/${name}`, {
        query: { fieldManager, force: 'true' },
        body: document,
        contentType: ContentType.applyPatch,
      });
      names.push(name);
    }
    for (const name of names) {
      try {
        await waitUntil(
          `CRD "${name}"`,
          async () => {
            const crd = await client.request<CrdDocument>('GET', `${crdsPath}/${name}`);
            return (
              crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ?? false
            );
          },
          { timeoutMs },
        );
      } catch (error) {
        throw new EnvtestError(
          EnvtestErrorCode.crdNotEstablished,
          `CRD "${name}" from "${dir}" was not established within ${timeoutMs} ms`,
          { name, dir },
          error,
        );
      }
    }
    return names;
  });
}
