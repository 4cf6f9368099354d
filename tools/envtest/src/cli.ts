/**
 * Command line: `node src/cli.ts build [NAME...|all]` builds kube-apiserver and etcd, the named
 * Go tools (go-tools.ts), or all of them, and prints one path per line (CI runs it before the
 * tests to see the build separately); `node src/cli.ts start [--listen-address IP] [--crds DIR]`
 * runs an API server until Ctrl-C and prints its kubeconfig path (for the lab and manual poking);
 * each `--api-server-arg=--flag=value` replaces envtest's own setting of that flag.
 */
import { parseArgs } from 'node:util';
import { ensureGoTools } from './ensure-go-tools.ts';
import { type GoToolName, goToolNames, isGoToolName } from './go-tools.ts';
import { installCrds } from './install-crds.ts';
import { startEnvtest } from './start-envtest.ts';

const usage = `usage: cli.ts build [all | NAME...]   (NAME: ${goToolNames.join(', ')})
       cli.ts start [--listen-address IP] [--crds DIR]... [--api-server-arg=--FLAG=VALUE]...
`;

function toolsToBuild(names: readonly string[]): readonly GoToolName[] | undefined {
  if (names.length === 0) return ['kube-apiserver', 'etcd'];
  if (names.length === 1 && names[0] === 'all') return goToolNames;
  return names.every(isGoToolName) ? names : undefined;
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'listen-address': { type: 'string' },
      crds: { type: 'string', multiple: true },
      'api-server-arg': { type: 'string', multiple: true },
    },
  });
  const [command, ...rest] = positionals;
  const tools = command === 'build' ? toolsToBuild(rest) : undefined;
  if (tools) {
    const paths = await ensureGoTools(tools);
    process.stdout.write(`${tools.map((name) => paths[name]).join('\n')}\n`);
    return;
  }
  if (command === 'start' && rest.length === 0) {
    const listenAddress = values['listen-address'];
    const envtest = await startEnvtest({
      ...(listenAddress ? { listenAddress } : {}),
      extraApiServerArgs: values['api-server-arg'] ?? [],
    });
    for (const dir of values.crds ?? []) await installCrds(envtest.kubeconfigPath, dir);
    process.stdout.write(`KUBECONFIG=${envtest.kubeconfigPath}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await envtest.stop();
    return;
  }
  process.stderr.write(usage);
  process.exitCode = 2;
}

await main();
