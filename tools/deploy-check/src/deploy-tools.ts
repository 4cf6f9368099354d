/**
 * helm, kubectl and kustomize as users run them, built from source by tools/envtest (or named by
 * BMLB_ENVTEST_HELM, BMLB_ENVTEST_KUBECTL, BMLB_ENVTEST_KUSTOMIZE). Their home, config and caches
 * live in a private folder, so a test run reads and writes nothing in the user's ~/.kube or
 * ~/.config/helm.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureGoTools, goToolsAreReady } from '@baremetal-lb/envtest';
import { type CommandResult, checkPrerequisites, runCommand } from '@baremetal-lb/lab';
import { chartDir } from './deploy-paths.ts';
import { type KubeObject, parseManifests } from './manifests.ts';

const toolNames = ['helm', 'kubectl', 'kustomize'] as const;
type ToolName = (typeof toolNames)[number];

/** Why 5 minutes: a helm install against a busy API server takes seconds; this is a hang. */
const commandTimeoutMs = 5 * 60_000;

export type RenderChartOptions = {
  /** Default baremetal-lb. */
  readonly release?: string;
  /** Default metallb-system. */
  readonly namespace?: string;
  /** Written to a values file and passed with -f. */
  readonly values?: unknown;
  /** A chart folder or archive; default deploy/helm/baremetal-lb. */
  readonly chart?: string;
};

export type DeployTools = {
  /** The private folder (HOME of the tools); removed by dispose(). */
  readonly workDir: string;
  run(tool: ToolName, args: readonly string[], input?: string): Promise<CommandResult>;
  /** Writes `values` (JSON, which YAML parsers read) to a new file in workDir; returns its path. */
  writeValues(values: unknown): Promise<string>;
  /** `helm template --include-crds` of the chart, parsed. */
  renderChart(options?: RenderChartOptions): Promise<KubeObject[]>;
  dispose(): Promise<void>;
};

/**
 * The three tools, built on first use. When they are not built and Go is missing, prints one loud
 * line and returns undefined (fails under BMLB_REQUIRE_ALL=1).
 */
export async function prepareDeployTools(suite: string): Promise<DeployTools | undefined> {
  const ready =
    (await goToolsAreReady(toolNames)) ||
    checkPrerequisites(suite, { commands: [{ name: 'go', debianPackage: 'golang-go' }] });
  if (!ready) return undefined;
  const paths = await ensureGoTools(toolNames);
  const workDir = await mkdtemp(path.join(tmpdir(), 'bmlb-deploy-check-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: workDir,
    HELM_CONFIG_HOME: path.join(workDir, 'helm/config'),
    HELM_CACHE_HOME: path.join(workDir, 'helm/cache'),
    HELM_DATA_HOME: path.join(workDir, 'helm/data'),
  };
  let files = 0;
  const run = (tool: ToolName, args: readonly string[], input?: string) =>
    runCommand(paths[tool], args, {
      env,
      timeoutMs: commandTimeoutMs,
      ...(input === undefined ? {} : { input }),
    });
  const writeValues = async (values: unknown) => {
    files += 1;
    const file = path.join(workDir, `values-${files}.json`);
    await writeFile(file, JSON.stringify(values));
    return file;
  };
  return {
    workDir,
    run,
    writeValues,
    async renderChart(options = {}) {
      const args = [
        'template',
        options.release ?? 'baremetal-lb',
        options.chart ?? chartDir,
        '--namespace',
        options.namespace ?? 'metallb-system',
        '--include-crds',
      ];
      if (options.values !== undefined) args.push('-f', await writeValues(options.values));
      const { stdout } = await run('helm', args);
      return parseManifests(stdout, 'helm template');
    },
    dispose: () => rm(workDir, { recursive: true, force: true }),
  };
}
