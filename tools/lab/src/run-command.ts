/** Runs host commands (ip, sysctl) with typed failures; async for normal use, sync for exit paths. */
import { execFile, spawnSync } from 'node:child_process';
import { LabCommandError } from './lab-error.ts';

export type CommandResult = { readonly stdout: string; readonly stderr: string };

/** Why 64 MiB: `ip -j` dumps and test programs' output stay far below; more means a runaway. */
const maxOutputBytes = 64 * 1024 * 1024;

/** Runs `command args`, resolving with its output; rejects with LabCommandError on non-zero exit. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: {
    readonly input?: string;
    readonly timeoutMs?: number;
    /** Replaces the environment (default: this process's). */
    readonly env?: NodeJS.ProcessEnv;
  } = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { maxBuffer: maxOutputBytes, encoding: 'utf8', timeout: options.timeoutMs ?? 0, env: options.env },
      (error, stdout, stderr) => {
        if (error === null) resolve({ stdout, stderr });
        else {
          const exitCode = typeof error.code === 'number' ? error.code : null;
          reject(new LabCommandError({ command, args, exitCode, stderr: stderr || error.message, stdout }));
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Synchronous runCommand, for cleanup in exit and signal handlers. */
export function runCommandSync(command: string, args: readonly string[]): CommandResult {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: maxOutputBytes });
  if (result.status !== 0) {
    throw new LabCommandError({
      command,
      args,
      exitCode: result.status,
      stderr: result.stderr || result.error?.message || '',
    });
  }
  return { stdout: result.stdout, stderr: result.stderr };
}
