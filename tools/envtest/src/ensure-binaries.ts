/**
 * kube-apiserver and etcd, the two programs of an envtest server: ensureGoTools for that pair.
 */
import { type EnsureGoToolsOptions, ensureGoTools, goToolsAreReady } from './ensure-go-tools.ts';

/** Absolute paths of the two server binaries. */
export type Binaries = { readonly kubeApiserver: string; readonly etcd: string };

export type EnsureBinariesOptions = Omit<EnsureGoToolsOptions, 'env'>;

const serverTools = ['kube-apiserver', 'etcd'] as const;

/** Whether ensureBinaries would return without building (so Go is not needed). */
export function binariesAreReady(options: EnsureBinariesOptions = {}): Promise<boolean> {
  return goToolsAreReady(serverTools, options);
}

/**
 * Returns the kube-apiserver and etcd binaries, building them first when they are missing or
 * stale. BMLB_ENVTEST_KUBE_APISERVER and BMLB_ENVTEST_ETCD bypass the build.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<Binaries> {
  const paths = await ensureGoTools(serverTools, options);
  return { kubeApiserver: paths['kube-apiserver'], etcd: paths.etcd };
}
