/**
 * installCrds: applies every CustomResourceDefinition in a folder of YAML files (server-side
 * apply, so reinstalling is idempotent) and waits until each is Established, i.e. served.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { callApi } from './api-request.ts';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { readKubeconfig } from './kubeconfig.ts';
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
  const connection = await readKubeconfig(kubeconfigPath);
  const documents = await readCrdDocuments(dir);
  const names: string[] = [];
  for (const document of documents) {
    const name = document.metadata?.name;
    if (!name)
      throw new EnvtestError(EnvtestErrorCode.requestFailed, `a CRD in "${dir}" has no metadata.name`, {
        dir,
      });
    await callApi(connection, {
      method: 'PATCH',
      path: `${crdsPath}/${name}?fieldManager=${fieldManager}&force=true`,
      body: document,
      contentType: 'application/apply-patch+yaml',
    });
    names.push(name);
  }
  for (const name of names) {
    try {
      await waitUntil(
        `CRD "${name}"`,
        async () => {
          const crd = await callApi<CrdDocument>(connection, { method: 'GET', path: `${crdsPath}/${name}` });
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
}
