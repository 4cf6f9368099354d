/**
 * Builds the Go programs of go-tools.ts from source, once: a stamp per binary records a hash of
 * its module's go.mod, go.sum and sources and of the build flags, and a binary is rebuilt only
 * when it is missing or that hash changed. Concurrent callers (parallel test processes) share one
 * build per Go module through a file lock. A cold build compiles thousands of Go packages (10+
 * minutes on two cores), so it prints progress while it runs.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvtestError, EnvtestErrorCode } from './envtest-error.ts';
import { withFileLock } from './file-lock.ts';
import { type GoModule, type GoToolName, goTools } from './go-tools.ts';

/** tools/envtest, from either src/ or dist/. */
export const envtestModuleDir: string = fileURLToPath(new URL('..', import.meta.url));

/** tools/envtest/bin, where built binaries and their stamps live (git-ignored). */
export const defaultBinDir: string = path.join(envtestModuleDir, 'bin');

const commonBuildArgs: readonly string[] = ['build', '-v', '-trimpath', '-buildvcs=false'];
// A cold build on two busy cores has taken over 20 minutes; past an hour something is wrong.
const buildTimeoutMs = 60 * 60_000;
const progressIntervalMs = 20_000;

export type EnsureGoToolsOptions = {
  /** Where the binaries and the stamps live; default tools/envtest/bin. */
  readonly binDir?: string;
  /** Progress lines go here; default stderr. */
  readonly log?: (line: string) => void;
  /** Environment with the BMLB_ENVTEST_* overrides; default process.env. */
  readonly env?: NodeJS.ProcessEnv;
};

export type GoToolPaths<N extends GoToolName> = { readonly [K in N]: string };

function logToStderr(line: string): void {
  process.stderr.write(`[envtest] ${line}\n`);
}

/** The variable naming a prebuilt binary: kube-apiserver → BMLB_ENVTEST_KUBE_APISERVER. */
export function environmentVariableOf(name: GoToolName): string {
  return `BMLB_ENVTEST_${name.toUpperCase().replaceAll('-', '_')}`;
}

function buildArgsOf(module: GoModule): readonly string[] {
  return [...commonBuildArgs, `-ldflags=${module.ldflags}`];
}

/** Hash of what `name` is built from; `bin/.stamp-<name>` holds the one it was built with. */
export async function computeStamp(name: GoToolName): Promise<string> {
  const tool = goTools[name];
  const hash = createHash('sha256');
  for (const file of ['go.mod', 'go.sum', ...tool.module.sources]) {
    hash.update(await readFile(path.join(envtestModuleDir, tool.module.dir, file)));
  }
  hash.update(JSON.stringify([buildArgsOf(tool.module), tool.package, process.env.GOTOOLCHAIN ?? '']));
  return hash.digest('hex');
}

async function isFresh(binDir: string, name: GoToolName): Promise<boolean> {
  if (!existsSync(path.join(binDir, name))) return false;
  const recorded = await readFile(path.join(binDir, `.stamp-${name}`), 'utf8').catch(() => '');
  return recorded.trim() === (await computeStamp(name));
}

/** Whether ensureGoTools(names) would return without building (so Go is not needed). */
export async function goToolsAreReady(
  names: readonly GoToolName[],
  options: EnsureGoToolsOptions = {},
): Promise<boolean> {
  const env = options.env ?? process.env;
  const binDir = options.binDir ?? defaultBinDir;
  for (const name of names) {
    if (!env[environmentVariableOf(name)] && !(await isFresh(binDir, name))) return false;
  }
  return true;
}

async function runGoBuild(
  module: GoModule,
  packages: readonly string[],
  outDir: string,
  logPath: string,
  log: (line: string) => void,
): Promise<void> {
  const started = Date.now();
  const logFile = createWriteStream(logPath);
  let compiled = 0;
  let last = '';
  const child = spawn('go', [...buildArgsOf(module), '-o', `${outDir}${path.sep}`, ...packages], {
    cwd: path.join(envtestModuleDir, module.dir),
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
        `go build of ${packages.join(', ')} failed (exit ${code}); full log "${logPath}":\n${tail}`,
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

/** Builds the stale ones of `names` (all of one module) under that module's lock. */
async function buildModuleTools(
  module: GoModule,
  names: readonly GoToolName[],
  binDir: string,
  log: (line: string) => void,
): Promise<void> {
  const lockName = module.dir === '.' ? 'kubernetes' : path.basename(module.dir);
  await withFileLock(
    path.join(binDir, `.build-${lockName}.lock`),
    async () => {
      // Another process may have finished some of them while we waited.
      const stale: GoToolName[] = [];
      for (const name of names) if (!(await isFresh(binDir, name))) stale.push(name);
      if (stale.length === 0) return;
      const outDir = path.join(binDir, `.building-${lockName}-${process.pid}`);
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
      const logPath = path.join(binDir, `build-${lockName}.log`);
      log(`building ${stale.map((n) => `${n} ${goTools[n].version}`).join(', ')} from source with Go`);
      log(`(a cold Go build cache takes 5 to 20 minutes); full build output: "${logPath}"`);
      try {
        await runGoBuild(
          module,
          stale.map((n) => goTools[n].package),
          outDir,
          logPath,
          log,
        );
        for (const name of stale) {
          await rename(path.join(outDir, name), path.join(binDir, name));
          await writeFile(path.join(binDir, `.stamp-${name}`), `${await computeStamp(name)}\n`);
        }
      } finally {
        await rm(outDir, { recursive: true, force: true });
      }
    },
    {
      timeoutMs: buildTimeoutMs,
      onWait: () => log(`another process is building the ${lockName} binaries; waiting for it`),
    },
  );
}

/**
 * Returns the absolute path of each named binary, building the missing or stale ones first.
 * BMLB_ENVTEST_<NAME> (e.g. BMLB_ENVTEST_KUBECTL) names a prebuilt binary instead.
 */
export async function ensureGoTools<N extends GoToolName>(
  names: readonly N[],
  options: EnsureGoToolsOptions = {},
): Promise<GoToolPaths<N>> {
  const env = options.env ?? process.env;
  const binDir = options.binDir ?? defaultBinDir;
  const log = options.log ?? logToStderr;
  const paths: Partial<Record<GoToolName, string>> = {};
  const toBuild = new Map<GoModule, GoToolName[]>();
  for (const name of names) {
    const prebuilt = env[environmentVariableOf(name)];
    paths[name] = prebuilt || path.join(binDir, name);
    if (prebuilt || (await isFresh(binDir, name))) continue;
    const module = goTools[name].module;
    toBuild.set(module, [...(toBuild.get(module) ?? []), name]);
  }
  if (toBuild.size > 0) await mkdir(binDir, { recursive: true });
  for (const [module, stale] of toBuild) await buildModuleTools(module, stale, binDir, log);
  return paths as GoToolPaths<N>;
}
