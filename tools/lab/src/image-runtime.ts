/**
 * How an app's image runs it, read from `apps/<app>/Dockerfile`: the Node options of its
 * `ENTRYPOINT ["node", ...options, "<script>"]` and the variables of its `ENV` lines. Benchmarks
 * and e2e runs of the built app (`bundle/main.js`) use them, so that what they measure is what
 * the image runs: a runtime flag that is not in the Dockerfile is not measured as adopted.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from './cluster/api-server-process.ts';

export type ImageRuntime = {
  /** Arguments between `node` and the script in the ENTRYPOINT, e.g. `--max-semi-space-size=1`. */
  readonly nodeOptions: readonly string[];
  /** The script the ENTRYPOINT runs, relative to the image's working directory. */
  readonly script: string;
  /** Every `ENV name=value` of the final stage. */
  readonly env: Readonly<Record<string, string>>;
};

/** Parses a Dockerfile's final stage; throws when its ENTRYPOINT is not an exec-form `node` call. */
export function parseImageRuntime(dockerfile: string): ImageRuntime {
  const stages = dockerfile.split(/^FROM\s/m);
  const lines = (stages[stages.length - 1] ?? '').split('\n');
  const env: Record<string, string> = {};
  let entrypoint: string[] | undefined;
  for (const line of lines) {
    const envMatch = /^ENV\s+(.+)$/.exec(line.trim());
    if (envMatch !== null) {
      for (const pair of envMatch[1]!.split(/\s+/)) {
        const eq = pair.indexOf('=');
        if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    const entryMatch = /^ENTRYPOINT\s+(\[.*\])\s*$/.exec(line.trim());
    if (entryMatch !== null) entrypoint = JSON.parse(entryMatch[1]!) as string[];
  }
  if (entrypoint === undefined || entrypoint[0] !== 'node' || entrypoint.length < 2) {
    throw new Error(
      `Dockerfile: want ENTRYPOINT ["node", ...options, "script"], got ${JSON.stringify(entrypoint)}`,
    );
  }
  return { nodeOptions: entrypoint.slice(1, -1), script: entrypoint[entrypoint.length - 1]!, env };
}

/** The runtime of `apps/<app>/Dockerfile` in this checkout. */
export async function imageRuntime(app: 'controller' | 'speaker'): Promise<ImageRuntime> {
  return parseImageRuntime(await readFile(path.join(repoRoot, `apps/${app}/Dockerfile`), 'utf8'));
}
