/** What the BGP lab needs from the host: root, iproute2, curl, FRR (zebra, bgpd, bfdd, vtysh), BIRD 2. */
import type { Needs } from '../prerequisites.ts';

export function bgpRouterNeeds(): Needs {
  return {
    root: true,
    commands: [
      { name: 'ip', debianPackage: 'iproute2' },
      { name: 'curl', debianPackage: 'curl' },
      { name: 'vtysh', debianPackage: 'frr' },
      { name: 'bird', debianPackage: 'bird2' },
      { name: 'birdc', debianPackage: 'bird2' },
    ],
    files: ['zebra', 'bgpd', 'bfdd'].map((daemon) => ({
      path: `/usr/lib/frr/${daemon}`,
      debianPackage: 'frr',
    })),
  };
}
