/**
 * How the lab runs the controller and the speakers: as processes from the TypeScript sources
 * (the default), or as containers from the images (tools/images supplies that launcher). Either
 * way an app runs inside a node's network namespace, as its ServiceAccount (deploy/rbac), with
 * the environment deploy/ gives it.
 */
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import type { LabHost } from '../lab-host.ts';
import { nodeBinary, repoRoot } from './api-server-process.ts';
import { type ClusterAdmin, writeServiceAccountKubeconfig } from './service-account-kubeconfig.ts';

export type AppName = 'controller' | 'speaker';

export type AppLaunch = {
  readonly app: AppName;
  /** Unique in the lab: controller-m1, speaker-w1. */
  readonly name: string;
  /** The node whose network namespace the app runs in. */
  readonly host: LabHost;
  /** Flags, without --kubeconfig and --ml-secret-path (the launcher adds what it needs). */
  readonly args: readonly string[];
  /** What deploy/'s downward API would set (POD_NAME, NODE_NAME, METALLB_HOST, ...). */
  readonly env: Readonly<Record<string, string>>;
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** The membership key (Secret memberlist/secretkey), for the speaker. */
  readonly memberlistKeyFile?: string;
  /** Where its output goes. */
  readonly logFile: string;
};

export interface RunningApp {
  /** Whether the app has exited. */
  readonly exited: boolean;
  /** Resolves with the exit code (null: killed by a signal) once the app has exited. */
  readonly exit: Promise<number | null>;
  /** Sends a signal to the app itself (SIGKILL: a power cut). */
  kill(signal: NodeJS.Signals): void;
}

export interface AppLauncher {
  /** "process" or "container", for progress lines. */
  readonly kind: string;
  launch(spec: AppLaunch, admin: ClusterAdmin, runDir: string): Promise<RunningApp>;
  /** Stops every app it launched (SIGTERM, then SIGKILL) and removes what it made for them. */
  stopAll(): Promise<void>;
}

/** Pipes a child's output into `file`. */
export function logTo(child: ChildProcess, file: string): void {
  const stream = createWriteStream(file, { flags: 'a' });
  child.stdout?.pipe(stream, { end: false });
  child.stderr?.pipe(stream, { end: false });
  child.once('close', () => stream.end());
}

/** A RunningApp over a child process (the app itself, or a client that holds it, like `podman run`). */
export function childApp(child: ChildProcess, kill: (signal: NodeJS.Signals) => void): RunningApp {
  const exit = new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
  return {
    get exited() {
      return child.exitCode !== null || child.signalCode !== null;
    },
    exit,
    kill,
  };
}

/** The apps as Node processes from src/, with a kubeconfig holding a bound ServiceAccount token. */
export function createProcessLauncher(): AppLauncher {
  const hosts = new Set<LabHost>();
  return {
    kind: 'process',
    async launch(spec, admin, runDir) {
      const kubeconfig = path.join(runDir, `kubeconfig-${spec.name}`);
      await writeServiceAccountKubeconfig(admin, spec.serviceAccount, kubeconfig);
      const child = spec.host.spawn(
        nodeBinary,
        [
          '--conditions=@baremetal-lb/source',
          path.join(repoRoot, `apps/${spec.app}/src/main.ts`),
          `--kubeconfig=${kubeconfig}`,
          ...(spec.memberlistKeyFile === undefined ? [] : [`--ml-secret-path=${spec.memberlistKeyFile}`]),
          ...spec.args,
        ],
        { env: { ...process.env, ...spec.env } },
      );
      hosts.add(spec.host);
      logTo(child, spec.logFile);
      return childApp(child, (signal) => child.kill(signal));
    },
    async stopAll() {
      await Promise.all([...hosts].map((host) => host.stopChildren()));
    },
  };
}
