/**
 * Real BGP routers for the interop tests: BIRD 2, FRR's bgpd and GoBGP, each started in a lab
 * host's network namespace with its configuration and control socket in a temporary directory,
 * and read back through its own CLI (`birdc show route all`, `vtysh show bgp ... json`,
 * `gobgp global rib -j`). Each router peers with our speaker and imports everything it sends.
 */
import { startBird } from './bird-router.ts';
import { startFrr } from './frr-router.ts';
import { startGobgp } from './gobgp-router.ts';

export { type BirdProcess, parseBirdRoutes, spawnBird, startBird } from './bird-router.ts';
export type { BgpRouter, RouterName, RouterOptions, RouterRoute } from './router-process.ts';

export const ROUTERS = { bird: startBird, frr: startFrr, gobgp: startGobgp } as const;
