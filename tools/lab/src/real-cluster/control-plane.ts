/**
 * The real cluster's control plane on the bridge's host end: envtest's kube-apiserver + etcd with
 * what a cluster with kubelets needs on top of envtest's defaults (the ServiceAccount admission
 * plugin, so pods get their projected token; the lease endpoint reconciler, so the `kubernetes`
 * Service has an endpoint; InternalIP for kubectl logs/exec), then kube-controller-manager and
 * kube-scheduler as host processes in the run's `control-plane` cgroup (no serving ports: two runs
 * never collide).
 */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ApiServerProcess, startApiServerProcess } from '../cluster/api-server-process.ts';
import { joinCgroupArgs, trackingProcsFile } from './cluster-cgroups.ts';
import { clusterCidr, serviceCidr } from './real-cluster-network.ts';

export type ControlPlaneBinaries = { readonly controllerManager: string; readonly scheduler: string };

/**
 * Why 10 s: a dead node's pods leave the Service's endpoints once the node controller has not
 * heard from it for this long (kubelet renews its lease every 2.5 s here); the default 50 s would
 * make every failover test wait.
 */
const nodeMonitorGracePeriod = '10s';

export async function startControlPlane(options: {
  readonly listenAddress: string;
  readonly runDir: string;
  readonly binaries: ControlPlaneBinaries;
  readonly log: (line: string) => void;
}): Promise<ApiServerProcess> {
  const api = await startApiServerProcess({
    listenAddress: options.listenAddress,
    apiServerArgs: [
      '--disable-admission-plugins=',
      '--endpoint-reconciler-type=lease',
      '--kubelet-preferred-address-types=InternalIP',
      `--service-cluster-ip-range=${serviceCidr}`,
    ],
    onOutput: options.log,
  });
  const caFile = path.join(options.runDir, 'ca.crt');
  await writeFile(caFile, api.caPem);
  const procs = await trackingProcsFile('control-plane');
  const run = (name: string, binary: string, args: readonly string[]) => {
    const log = openSync(path.join(options.runDir, 'logs', `${name}.log`), 'a');
    spawn('sh', joinCgroupArgs(procs, [binary, ...args]), {
      stdio: ['ignore', log, log],
      detached: true,
    }).unref();
  };
  run('kube-controller-manager', options.binaries.controllerManager, [
    `--kubeconfig=${api.kubeconfigPath}`,
    '--secure-port=0',
    '--leader-elect=false',
    `--root-ca-file=${caFile}`,
    `--service-cluster-ip-range=${serviceCidr}`,
    `--cluster-cidr=${clusterCidr}`,
    '--allocate-node-cidrs=false',
    `--node-monitor-grace-period=${nodeMonitorGracePeriod}`,
    '--use-service-account-credentials=false',
  ]);
  run('kube-scheduler', options.binaries.scheduler, [
    `--kubeconfig=${api.kubeconfigPath}`,
    '--secure-port=0',
    '--leader-elect=false',
  ]);
  return api;
}
