import { describe, expect, it } from 'vitest';
import {
  kubeletSysctls,
  type NodeLayout,
  renderCniConfig,
  renderContainerdConfig,
  renderKubeletConfig,
} from './node-config.ts';

const layout: NodeLayout = {
  name: 'w1',
  dir: '/tmp/bmlb-rc-x/nodes/w1',
  ip: '198.18.100.12',
  podCidr: '198.19.2.0/24',
  cgroupRoot: '/bmlb-rc-1/w1',
  sandboxImage: 'localhost/baremetal-lb-lab/pause:abc',
};

/** Every absolute path in a rendered file. */
function pathsIn(text: string): string[] {
  return [...text.matchAll(/"(\/[^"]*)"/g)].map((m) => m[1]!).filter((p) => !p.startsWith('/bmlb-rc-'));
}

describe('node configuration files', () => {
  it('keeps every containerd path in the node directory (CNI plugins aside) and never asks runc to lower oom_score_adj', () => {
    const toml = renderContainerdConfig(layout);
    for (const p of pathsIn(toml))
      if (p !== '/usr/lib/cni') expect(p.startsWith(`${layout.dir}/`)).toBe(true);
    expect(toml).toMatch(/restrict_oom_score_adj = true/);
    expect(toml).toMatch(/SystemdCgroup = false/);
    expect(toml).toContain(`sandbox_image = "${layout.sandboxImage}"`);
  });

  it("gives the CNI bridge the node's pod range, with its IPAM state in the node directory", () => {
    const cni = JSON.parse(renderCniConfig(layout)) as {
      plugins: {
        type: string;
        ipMasq?: boolean;
        ipam?: { ranges: { subnet: string }[][]; dataDir: string };
      }[];
    };
    const bridge = cni.plugins.find((p) => p.type === 'bridge')!;
    expect(bridge.ipam?.ranges).toEqual([[{ subnet: '198.19.2.0/24' }]]);
    expect(bridge.ipam?.dataDir.startsWith(`${layout.dir}/`)).toBe(true);
    expect(bridge.ipMasq).toBe(false);
  });

  it('has kubelet protect the kernel defaults (it only reads them) and write only below the node directory', () => {
    const config = JSON.parse(renderKubeletConfig(layout)) as Record<string, unknown>;
    expect(config.protectKernelDefaults).toBe(true);
    expect(config.cgroupDriver).toBe('cgroupfs');
    expect(config.cgroupRoot).toBe(layout.cgroupRoot);
    expect(config.address).toBe(layout.ip);
    for (const key of ['staticPodPath', 'podLogsDir', 'volumePluginDir']) {
      expect(String(config[key]).startsWith(`${layout.dir}/`)).toBe(true);
    }
    expect(config.containerRuntimeEndpoint).toBe(`unix://${layout.dir}/containerd.sock`);
  });

  it("lists the sysctls kubelet checks with their expected values (kubelet's kernel defaults)", () => {
    expect(kubeletSysctls).toEqual({
      'vm/overcommit_memory': '1',
      'vm/panic_on_oom': '0',
      'kernel/panic': '10',
      'kernel/panic_on_oops': '1',
      'kernel/keys/root_maxkeys': '1000000',
      'kernel/keys/root_maxbytes': '25000000',
    });
  });
});
