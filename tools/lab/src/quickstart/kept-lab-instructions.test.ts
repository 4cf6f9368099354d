import { describe, expect, it } from 'vitest';
import { keptLabInstructions } from './kept-lab-instructions.ts';
import type { QuickstartCluster } from './quickstart-cluster.ts';

const cluster = {
  api: { kubeconfigPath: '/run/lab/admin.kubeconfig' },
  kubectlBinary: '/repo/tools/envtest/bin/kubectl',
  client: { namespace: 'bmlb-1-client' },
  nodes: [{ name: 'm1', host: { namespace: 'bmlb-1-m1' } }],
  runDir: '/run/lab',
} as unknown as Pick<QuickstartCluster, 'api' | 'kubectlBinary' | 'client' | 'nodes' | 'runDir'>;

describe('keptLabInstructions', () => {
  const text = keptLabInstructions(cluster, { loadBalancerIp: '198.51.100.240' });

  it('says how to reach the kept lab', () => {
    expect(text).toContain('export KUBECONFIG=/run/lab/admin.kubeconfig');
    expect(text).toContain('alias kubectl=/repo/tools/envtest/bin/kubectl');
    expect(text).toContain('ip netns exec bmlb-1-client curl http://198.51.100.240/hostname');
    expect(text).toContain('Press Ctrl-C to tear everything down.');
  });

  it("says plainly that a user's own Service gets an IP but is neither announced nor reachable", () => {
    expect(text).toMatch(/a new LoadBalancer Service gets its EXTERNAL-IP/);
    expect(text).toMatch(/no pod runs for a Deployment you create/);
    expect(text).toMatch(/no speaker announces\s+its IP/);
    expect(text).toMatch(/arping and curl to it get no answer/);
  });
});
