/**
 * podman, always with the containers.conf of this tooling (runc, no default network) and, on
 * every `podman run`, explicit ulimits (containers-conf.ts says why). Every call is a child
 * process; failures carry the end of the output.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readHardLimits, renderContainersConf, ulimitFlags } from './containers-conf.ts';
import { ImageCommandError } from './image-error.ts';
import { imagesCacheDir } from './repo-paths.ts';

export type RunOptions = {
  /** Each line of output as it comes (builds are long). */
  readonly onOutput?: (line: string) => void;
  /** Standard input (a file descriptor or a stream), e.g. a root file system tarball. */
  readonly stdin?: NodeJS.ReadableStream;
};

export class Podman {
  readonly confFile: string;
  readonly env: NodeJS.ProcessEnv;
  /** Inserted after `run` in every `podman run`. */
  readonly runFlags: readonly string[];

  constructor(confFile: string, runFlags: readonly string[] = ulimitFlags(readHardLimits())) {
    this.confFile = confFile;
    this.env = { ...process.env, CONTAINERS_CONF: confFile };
    this.runFlags = runFlags;
  }

  /** Writes the containers.conf into the cache directory and returns a Podman that uses it. */
  static create(cacheDir: string = imagesCacheDir): Podman {
    mkdirSync(cacheDir, { recursive: true });
    const confFile = path.join(cacheDir, 'containers.conf');
    writeFileSync(confFile, renderContainersConf());
    return new Podman(confFile);
  }

  /** Starts `podman args` with its output piped (the caller reads or discards it). */
  spawn(args: readonly string[]): ChildProcess {
    return spawn('podman', this.#withFlags(args), { env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Runs `podman args` to the end; resolves with stdout, rejects with ImageCommandError. */
  run(args: readonly string[], options: RunOptions = {}): Promise<string> {
    return runToEnd('podman', this.#withFlags(args), this.env, options);
  }

  #withFlags(args: readonly string[]): readonly string[] {
    return args[0] === 'run' ? ['run', ...this.runFlags, ...args.slice(1)] : args;
  }

  /** Exit status of `podman args` (0 or not), output discarded. */
  async succeeds(args: readonly string[]): Promise<boolean> {
    return this.run(args).then(
      () => true,
      () => false,
    );
  }

  imageExists(ref: string): Promise<boolean> {
    return this.succeeds(['image', 'exists', ref]);
  }

  /** Uncompressed size of an image in bytes, and of each of its layers (oldest first). */
  async imageSize(ref: string): Promise<{ readonly bytes: number; readonly layers: readonly number[] }> {
    const [image] = JSON.parse(await this.run(['image', 'inspect', ref])) as { Size: number }[];
    const history = JSON.parse(await this.run(['image', 'history', '--format', 'json', ref])) as {
      size: number;
    }[];
    return { bytes: image?.Size ?? 0, layers: history.map((h) => h.size).reverse() };
  }
}

/** Runs a command to the end with its stdout and stderr collected (and streamed line by line). */
export function runToEnd(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (options.stdin) options.stdin.pipe(child.stdin!);
    let stdout = '';
    let output = '';
    let partial = '';
    const collect = (isStdout: boolean) => (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      if (isStdout) stdout += text;
      output += text;
      if (options.onOutput) {
        const lines = (partial + text).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) options.onOutput(line);
      }
    };
    child.stdout!.on('data', collect(true));
    child.stderr!.on('data', collect(false));
    child.once('error', (error) => reject(new ImageCommandError(command, null, error.message)));
    child.once('close', (code) => {
      if (partial !== '') options.onOutput?.(partial);
      if (code === 0) resolve(stdout);
      else reject(new ImageCommandError(`${command} ${args.slice(0, 3).join(' ')}`, code, output));
    });
  });
}
