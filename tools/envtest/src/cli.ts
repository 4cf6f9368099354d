/**
 * Command line: `node src/cli.ts build` builds the binaries (CI can run it before the tests to
 * see the build separately); `node src/cli.ts start [--listen-address IP] [--crds DIR]` runs an
 * API server until Ctrl-C and prints its kubeconfig path (for the lab and manual poking).
 */
import { parseArgs } from 'node:util';
import { ensureBinaries } from './ensure-binaries.ts';
import { installCrds } from './install-crds.ts';
import { startEnvtest } from './start-envtest.ts';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { 'listen-address': { type: 'string' }, crds: { type: 'string', multiple: true } },
  });
  const command = positionals[0];
  if (command === 'build') {
    const binaries = await ensureBinaries();
    process.stdout.write(`${binaries.kubeApiserver}\n${binaries.etcd}\n`);
    return;
  }
  if (command === 'start') {
    const listenAddress = values['listen-address'];
    const envtest = await startEnvtest(listenAddress ? { listenAddress } : {});
    for (const dir of values.crds ?? []) await installCrds(envtest.kubeconfigPath, dir);
    process.stdout.write(`KUBECONFIG=${envtest.kubeconfigPath}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await envtest.stop();
    return;
  }
  process.stderr.write('usage: cli.ts build | start [--listen-address IP] [--crds DIR]...\n');
  process.exitCode = 2;
}

await main();
