/**
 * Builds kube-apiserver and etcd from the Go module in tools/envtest, once: a stamp file records
 * a hash of go.mod, go.sum and the build flags, and the build reruns only when the binaries are
 * missing or that hash changed. Concurrent callers (parallel test processes) share one build
 * through a file lock. The first build compiles ~2,000 Go packages and takes 10+ minutes on two
 * cores, so it prints progress while it runs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { withFileLock } from './file-lock.ts';

/** Absolute paths of the two server binaries. */
export type Binaries = { readonly kubeApiserver: string; readonly etcd: string };

/** tools/envtest, from either src/ or dist/. */
export const envtestModuleDir: string = fileURLToPath(new URL('..', import.meta.url));

const kubernetesVersion = 'v1.34.4';
const buildArgs: readonly string[] = [
  'build',
  '-v',
  '-trimpath',
  '-buildvcs=false',
  // Without these the server reports v0.0.0, which confuses clients that check the version.
  `-ldflags=-s -w -X k8s.io/component-base/version.gitVersion=${kubernetesVersion} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34`,
];
const buildPackages: readonly string[] = ['k8s.io/kubernetes/cmd/kube-apiserver', './cmd/etcd'];
// A cold build on two busy cores has taken over 20 minutes; past an hour something is wrong.
const buildTimeoutMs = 60 * 60_000;
const progressIntervalMs = 20_000;

export type EnsureBinariesOptions = {
  /** Where the binaries and the stamp live; default tools/envtest/bin. */
  readonly binDir?: string;
  /** Progress lines go here; default stderr. */
  readonly log?: (line: string) => void;
};

function logToStderr(line: string): void {
  process.stderr.write(`[envtest] ${line}\n`);
}

/** Hash of what the binaries are built from; `bin/.stamp` holds the one they were built with. */
export async function computeStamp(): Promise<string> {
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', 'cmd/etcd/main.go']) {
    hash.update(await readFile(path.join(envtestModuleDir, file)));
  }
  hash.update(JSON.stringify([buildArgs, buildPackages, process.env.GOTOOLCHAIN ?? '']));
  return hash.digest('hex');
}

function binariesIn(binDir: string): Binaries {
  return { kubeApiserver: path.join(binDir, 'kube-apiserver'), etcd: path.join(binDir, 'etcd') };
}

async function isFresh(binDir: string, stamp: string): Promise<boolean> {
  const { kubeApiserver, etcd } = binariesIn(binDir);
  if (!existsSync(kubeApiserver) || !existsSync(etcd)) return false;
  const recorded = await readFile(path.join(binDir, '.stamp'), 'utf8').catch(() => '');
  return recorded.trim() === stamp;
}

/** Binaries named by BMLB_ENVTEST_KUBE_APISERVER and BMLB_ENVTEST_ETCD, when both are set. */
export function binariesFromEnvironment(env: NodeJS.ProcessEnv = process.env): Binaries | undefined {
  const kubeApiserver = env.BMLB_ENVTEST_KUBE_APISERVER;
  const etcd = env.BMLB_ENVTEST_ETCD;
  return kubeApiserver && etcd ? { kubeApiserver, etcd } : undefined;
}

/** Whether ensureBinaries would return without building (so Go is not needed). */
export async function binariesAreReady(options: EnsureBinariesOptions = {}): Promise<boolean> {
  if (binariesFromEnvironment()) return true;
  return isFresh(options.binDir ?? path.join(envtestModuleDir, 'bin'), await computeStamp());
}

async function runGoBuild(outDir: string, logPath: string, log: (line: string) => void): Promise<void> {
  const started = Date.now();
  const logFile = createWriteStream(logPath);
  let compiled = 0;
  let last = '';
  const child = spawn('go', [...buildArgs, '-o', `${outDir}${path.sep}`, ...buildPackages], {
    cwd: envtestModuleDir,
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const onData = (chunk: Buffer): void => {
    logFile.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      compiled += 1;
      last = line.trim();
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const minutes = (): string => ((Date.now() - started) / 60_000).toFixed(1);
  const ticker = setInterval(() => {
    log(`go build: ${compiled} packages done after ${minutes()} min (now: ${last})`);
  }, progressIntervalMs);
  const killer = setTimeout(() => child.kill('SIGKILL'), buildTimeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) {
      const tail = (await readFile(logPath, 'utf8').catch(() => '')).split('\n').slice(-30).join('\n');
      throw new EnvtestError(
        EnvtestErrorCode.buildFailed,
        `go build of kube-apiserver and etcd failed (exit ${code}); full log "${logPath}":\n${tail}`,
        { exitCode: code, logPath },
      );
    }
    log(`go build finished in ${minutes()} min`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new EnvtestError(
        EnvtestErrorCode.goMissing,
        'the "go" command is not on PATH; install Go',
        {},
        error,
      );
    }
    throw error;
  } finally {
    clearInterval(ticker);
    clearTimeout(killer);
    await new Promise((resolve) => logFile.end(resolve));
  }
}

/**
 * Returns the kube-apiserver and etcd binaries, building them first when they are missing or
 * stale. BMLB_ENVTEST_KUBE_APISERVER and BMLB_ENVTEST_ETCD (both) bypass the build.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<Binaries> {
  const fromEnvironment = binariesFromEnvironment();
  if (fromEnvironment) return fromEnvironment;
  const binDir = options.binDir ?? path.join(envtestModuleDir, 'bin');
  const log = options.log ?? logToStderr;
  const stamp = await computeStamp();
  if (await isFresh(binDir, stamp)) return binariesIn(binDir);
  await mkdir(binDir, { recursive: true });
  return withFileLock(
    path.join(binDir, '.build.lock'),
    async () => {
      // Another process may have finished the build while we waited.
      if (await isFresh(binDir, stamp)) return binariesIn(binDir);
      const outDir = path.join(binDir, `.building-${process.pid}`);
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
      const logPath = path.join(binDir, 'build.log');
      log(
        `building kube-apiserver ${kubernetesVersion} and etcd from source with Go (10+ min the first time)`,
      );
      log(`full build output: "${logPath}"`);
      try {
        await runGoBuild(outDir, logPath, log);
        const built = binariesIn(binDir);
        await rename(path.join(outDir, 'kube-apiserver'), built.kubeApiserver);
        await rename(path.join(outDir, 'etcd'), built.etcd);
        await writeFile(path.join(binDir, '.stamp'), `${stamp}\n`);
        return built;
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    {
      timeoutMs: buildTimeoutMs,
      onWait: () => log('another process is building the binaries; waiting for it'),
    },
  );
}
