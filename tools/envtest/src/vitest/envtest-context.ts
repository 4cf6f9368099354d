/** What the shared envtest instance tells test files (through vitest provide/inject). */
export type EnvtestContext = {
  /** Admin kubeconfig (system:masters). */
  readonly kubeconfigPath: string;
  /** `https://ADDRESS:PORT`. */
  readonly server: string;
  readonly listenAddress: string;
  /** Names of the CRDs installed before the tests ran. */
  readonly crds: readonly string[];
};

/** Environment variable that also carries the admin kubeconfig path to test workers. */
export const kubeconfigEnvironmentVariable = 'BMLB_ENVTEST_KUBECONFIG';

declare module 'vitest' {
  export interface ProvidedContext {
    /** null when the envtest suite was skipped (Go missing and no binaries). */
    envtest: EnvtestContext | null;
  }
}
