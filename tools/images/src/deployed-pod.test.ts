import { describe, expect, it } from 'vitest';
import { type DeployedPod, memberlistMount, podmanPodArgs, readDeployedPod } from './deployed-pod.ts';

describe('podmanPodArgs', () => {
  it("gives the controller deploy/controller.yaml's user, read-only root, no capabilities", () => {
    expect(podmanPodArgs(readDeployedPod('controller'))).toEqual([
      '--user=65534:65534',
      '--group-add=65534',
      '--security-opt=no-new-privileges',
      '--read-only',
      '--read-only-tmpfs=false',
      '--cap-drop=ALL',
      '--memory=256m',
      '--stop-timeout=10',
    ]);
  });

  it('gives the speaker only NET_RAW, NET_ADMIN and SYS_NICE, unconfined seccomp as a pod without a profile', () => {
    expect(podmanPodArgs(readDeployedPod('speaker'))).toEqual([
      '--security-opt=seccomp=unconfined',
      '--security-opt=no-new-privileges',
      '--read-only',
      '--read-only-tmpfs=false',
      '--cap-drop=ALL',
      '--cap-add=NET_RAW',
      '--cap-add=NET_ADMIN',
      '--cap-add=SYS_NICE',
      '--memory=320m',
      '--stop-timeout=5',
    ]);
    expect(memberlistMount(readDeployedPod('speaker'))).toEqual({
      mountPath: '/etc/baremetal-lb/memberlist',
      mode: 0o400,
    });
  });

  it('refuses a security setting it cannot reproduce, with a stable code', () => {
    const pod: DeployedPod = { containers: [{ name: 'x', securityContext: { privileged: true } }] };
    expect(() => podmanPodArgs(pod)).toThrow(expect.objectContaining({ code: 'ERR_IMAGE_POD_SETTING' }));
    const odd: DeployedPod = { containers: [{ name: 'x', resources: { limits: { memory: '300M' } } }] };
    expect(() => podmanPodArgs(odd)).toThrow(/memory limit "300M"/);
  });
});
