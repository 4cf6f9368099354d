/**
 * The chart as users get it: `helm package` gives an archive that holds everything (no symbolic
 * links out of the chart), and that archive installs, upgrades and uninstalls against a real API
 * server (tools/envtest), each step checked by reading the objects back with kubectl. Two
 * releases live side by side; the CRDs and the membership Secret survive uninstall.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { LabCommandError, runCommand } from '@baremetal-lb/lab';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartDir } from '../src/deploy-paths.ts';
import { prepareDeployTools } from '../src/deploy-tools.ts';
import { type KubeObject, objectKey, withoutHelmMetadata } from '../src/manifests.ts';

const envtest = injectEnvtest();
const tools = envtest && (await prepareDeployTools('deploy/: helm install against envtest'));

type Deployment = KubeObject & {
  spec: { replicas: number; template: { spec: { containers: { args: string[] }[] } } };
};
type Secret = KubeObject & { data: { secretkey: string } };

describe.skipIf(!tools)('helm package, install, upgrade and uninstall', () => {
  const kubeconfig = ['--kubeconfig', envtest!.kubeconfigPath];
  const helm = (...args: string[]) => tools!.run('helm', [...args, ...kubeconfig]);
  const kubectl = (...args: string[]) => tools!.run('kubectl', [...args, ...kubeconfig]);
  const get = async <T extends KubeObject>(kind: string, name: string, namespace?: string) =>
    JSON.parse(
      (await kubectl('get', kind, name, '-o', 'json', ...(namespace ? ['-n', namespace] : []))).stdout,
    ) as T;
  const gone = async (kind: string, name: string, namespace?: string) =>
    get(kind, name, namespace).then(
      () => false,
      (error: unknown) => error instanceof LabCommandError && /NotFound/.test(error.stderr),
    );
  let archive = '';

  beforeAll(async () => {
    const { stdout } = await tools!.run('helm', ['package', chartDir, '--destination', tools!.workDir]);
    archive = /saved it to: (\S+)/.exec(stdout)?.[1] ?? '';
  });
  afterAll(() => tools?.dispose());

  it('packages every file, symbolic links resolved to the files themselves', async () => {
    expect(path.basename(archive)).toBe('baremetal-lb-0.1.0.tgz');
    const { stdout } = await runCommand('tar', ['-tvzf', archive]);
    const entries = stdout.trim().split('\n');
    expect(entries.filter((line) => !line.startsWith('-'))).toEqual([]);
    const names = entries.map((line) => line.split(/\s+/).at(-1));
    for (const file of [
      ...(await readdir(path.join(chartDir, 'crds'))).map((f) => `crds/${f}`),
      ...(await readdir(path.join(chartDir, 'files/rbac'))).map((f) => `files/rbac/${f}`),
      'values.schema.json',
      'templates/NOTES.txt',
    ]) {
      expect(names).toContain(`baremetal-lb/${file}`);
    }
  });

  it('refuses to install with a value of the wrong type, and creates nothing', async () => {
    const error = await helm(
      'install',
      'wrong',
      archive,
      '-n',
      'helm-wrong',
      '--create-namespace',
      '--set',
      'speaker.metricsPort=http',
    ).then(
      () => expect.fail('helm installed it'),
      (e: unknown) => e as LabCommandError,
    );
    expect(error.stderr).toMatch(/schema/i);
    expect(error.stderr).toMatch(/metricsPort/);
    expect(await gone('clusterrole', 'wrong:controller')).toBe(true);
  });

  it('installs from the archive, upgrades a value, and uninstalls leaving CRDs and the Secret', async () => {
    const ns = 'helm-release-a';
    const values = {
      memberlist: { generateSecret: true },
      ipAddressPools: [{ name: 'first-pool', spec: { addresses: ['198.51.100.240-198.51.100.250'] } }],
    };
    const install = await helm(
      'install',
      'lb-a',
      archive,
      '-n',
      ns,
      '--create-namespace',
      '-f',
      await tools!.writeValues(values),
    );
    // NOTES.txt: the namespace label to add and the missing advertisement.
    expect(install.stdout).toContain(
      `kubectl label namespace ${ns} pod-security.kubernetes.io/enforce=privileged`,
    );
    expect(install.stdout).toContain('nothing announces them until an L2Advertisement exists');

    // Every object of the release is there, as rendered but for Helm's ownership metadata.
    const rendered = await tools!.renderChart({ release: 'lb-a', namespace: ns, values, chart: archive });
    for (const object of rendered.filter((o) => o.kind !== 'CustomResourceDefinition')) {
      const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
      const live = await get(`${object.kind}${group}`, object.metadata.name, object.metadata.namespace);
      expect(withoutHelmMetadata(live).metadata.labels, objectKey(object)).toEqual(object.metadata.labels);
      expect(live.metadata.annotations, objectKey(object)).toMatchObject({
        'meta.helm.sh/release-name': 'lb-a',
      });
    }
    const deployment = await get<Deployment>('deployment', 'controller', ns);
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/managed-by': 'Helm' });
    expect(withoutHelmMetadata(deployment).metadata.labels).toEqual({
      'app.kubernetes.io/name': 'baremetal-lb',
      'app.kubernetes.io/component': 'controller',
    });
    expect(await get('ipaddresspool', 'first-pool', ns)).toMatchObject({
      spec: { addresses: ['198.51.100.240-198.51.100.250'] },
    });
    expect(await get('daemonset', 'speaker', ns)).toMatchObject({ metadata: { namespace: ns } });
    expect(await get('clusterrolebinding', 'lb-a:speaker')).toMatchObject({
      subjects: [{ kind: 'ServiceAccount', name: 'speaker', namespace: ns }],
    });
    const secret = await get<Secret>('secret', 'memberlist', ns);

    await helm(
      'upgrade',
      'lb-a',
      archive,
      '-n',
      ns,
      '--reuse-values',
      '--set',
      'controller.replicas=3',
      '--set',
      'loadBalancerClass=example.com/a',
    );
    const upgraded = await get<Deployment>('deployment', 'controller', ns);
    expect(upgraded.spec.replicas).toBe(3);
    expect(upgraded.spec.template.spec.containers[0]?.args).toContain('--lb-class=example.com/a');
    // The Secret's key is looked up and kept, so running speakers keep their membership.
    expect((await get<Secret>('secret', 'memberlist', ns)).data.secretkey).toBe(secret.data.secretkey);

    // A second release in another namespace: cluster-scoped names do not collide.
    await helm(
      'install',
      'lb-b',
      archive,
      '-n',
      'helm-release-b',
      '--create-namespace',
      '--set',
      'loadBalancerClass=example.com/b',
    );
    expect(await get('clusterrole', 'lb-b:controller')).toMatchObject({ kind: 'ClusterRole' });

    await helm('uninstall', 'lb-a', '-n', ns);
    expect(await gone('deployment', 'controller', ns)).toBe(true);
    expect(await gone('ipaddresspool', 'first-pool', ns)).toBe(true);
    expect(await gone('clusterrole', 'lb-a:controller')).toBe(true);
    // Kept: the CRDs (Helm never deletes crds/) and the Secret (resource policy "keep").
    expect((await get<Secret>('secret', 'memberlist', ns)).data.secretkey).toBe(secret.data.secretkey);
    expect(await get('crd', 'ipaddresspools.metallb.io')).toMatchObject({ kind: 'CustomResourceDefinition' });
    // The other release is untouched.
    expect(await get('clusterrole', 'lb-b:controller')).toMatchObject({ kind: 'ClusterRole' });
    expect(await get('deployment', 'controller', 'helm-release-b')).toMatchObject({ kind: 'Deployment' });
  });
});
