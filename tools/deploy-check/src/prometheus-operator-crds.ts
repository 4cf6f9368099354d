/**
 * The Prometheus operator's PodMonitor and ServiceMonitor CRDs, unchanged: its Go module ships
 * them (example/prometheus-operator-crd/), so `go mod download` fetches them from the Go module
 * proxy, checked against the checksum database, like every other Go input of the tests.
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCommand } from '@baremetal-lb/lab';

export const prometheusOperatorModule = 'github.com/prometheus-operator/prometheus-operator';
export const prometheusOperatorVersion = 'v0.85.0';
const crdFiles = ['monitoring.coreos.com_podmonitors.yaml', 'monitoring.coreos.com_servicemonitors.yaml'];

/** A new temporary folder holding the two CRDs (for installCrds); the caller removes it. */
export async function fetchMonitorCrds(): Promise<string> {
  const { stdout } = await runCommand(
    'go',
    ['mod', 'download', '-json', `${prometheusOperatorModule}@${prometheusOperatorVersion}`],
    { timeoutMs: 5 * 60_000 },
  );
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-monitor-crds-'));
  for (const file of crdFiles) {
    await copyFile(path.join(moduleDir, 'example/prometheus-operator-crd', file), path.join(dir, file));
  }
  return dir;
}
