/** What the BGP lab needs from the host: root, iproute2, curl, FRR (zebra, bgpd, bfdd, vtysh), BIRD 2. */
import type { Needs } from '../prerequisites.ts';
import { quickstartNeeds } from '../quickstart/quickstart-prerequisites.ts';

/** The routers and the client's tools: the router harness (no Kubernetes). */
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

/** `npm run lab -- --bgp`, its e2e test and the bench: the quick start's needs and the routers'. */
export function bgpLabNeeds(): Needs {
  const quickstart = quickstartNeeds();
  const routers = bgpRouterNeeds();
  return {
    root: true,
    commands: [...(quickstart.commands ?? []), ...(routers.commands ?? [])],
    files: [...(quickstart.files ?? []), ...(routers.files ?? [])],
  };
}
