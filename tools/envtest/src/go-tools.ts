/**
 * Every Go program the tests run, and the Go module each is built in. The Kubernetes programs
 * share tools/envtest's own module, so the whole cluster is one `k8s.io/kubernetes` version;
 * helm and kustomize pin other `k8s.io/*` versions than the API server, so each has a module of
 * its own under tools/envtest/go/.
 */

/** A build-only Go module under tools/envtest. */
export type GoModule = {
  /** Folder of its go.mod, relative to tools/envtest; also names its build lock. */
  readonly dir: string;
  /** Files besides go.mod and go.sum whose content the binaries depend on (part of the stamp). */
  readonly sources: readonly string[];
  /** `-ldflags` of `go build`: strip symbols, stamp the upstream version. */
  readonly ldflags: string;
};

export type GoTool = {
  readonly module: GoModule;
  /** Package path of the main package, as `go build` takes it. */
  readonly package: string;
  /** The upstream version; a test checks it against the module's go.mod. */
  readonly version: string;
  /** The module whose required version `version` is (empty: the tool lives in this repository). */
  readonly upstreamModule: string;
};

export const kubernetesVersion = 'v1.34.4';
export const helmVersion = 'v4.3.2';
export const kustomizeVersion = 'v5.8.2';

const kubernetes: GoModule = {
  dir: '.',
  sources: ['cmd/etcd/main.go'],
  // Without these the programs report v0.0.0-master, which confuses clients that check versions
  // (kubectl's skew warning, a kubelet's node status).
  ldflags: `-s -w -X k8s.io/component-base/version.gitVersion=${kubernetesVersion} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34`,
};

const helm: GoModule = {
  dir: 'go/helm',
  sources: [],
  // Helm's own Makefile sets these; without them `helm version` says "v4.3".
  ldflags: `-s -w -X helm.sh/helm/v4/internal/version.version=${helmVersion} -X helm.sh/helm/v4/internal/version.gitTreeState=clean`,
};

// kustomize finds its version in the binary's build information (the module dependency).
const kustomize: GoModule = { dir: 'go/kustomize', sources: [], ldflags: '-s -w' };

function kubernetesCommand(name: string): GoTool {
  return {
    module: kubernetes,
    package: `k8s.io/kubernetes/cmd/${name}`,
    version: kubernetesVersion,
    upstreamModule: 'k8s.io/kubernetes',
  };
}

export const goTools = {
  'kube-apiserver': kubernetesCommand('kube-apiserver'),
  etcd: {
    module: kubernetes,
    package: './cmd/etcd',
    version: 'v3.6.4',
    upstreamModule: 'go.etcd.io/etcd/server/v3',
  },
  kubectl: kubernetesCommand('kubectl'),
  kubelet: kubernetesCommand('kubelet'),
  'kube-proxy': kubernetesCommand('kube-proxy'),
  'kube-controller-manager': kubernetesCommand('kube-controller-manager'),
  'kube-scheduler': kubernetesCommand('kube-scheduler'),
  helm: {
    module: helm,
    package: 'helm.sh/helm/v4/cmd/helm',
    version: helmVersion,
    upstreamModule: 'helm.sh/helm/v4',
  },
  kustomize: {
    module: kustomize,
    package: 'sigs.k8s.io/kustomize/kustomize/v5',
    version: kustomizeVersion,
    upstreamModule: 'sigs.k8s.io/kustomize/kustomize/v5',
  },
} as const satisfies Readonly<Record<string, GoTool>>;

export type GoToolName = keyof typeof goTools;

export const goToolNames: readonly GoToolName[] = Object.keys(goTools) as GoToolName[];

export function isGoToolName(name: string): name is GoToolName {
  return Object.hasOwn(goTools, name);
}
