/**
 * The default envtest globalSetup: one API server with deploy/crds installed. Vitest resolves
 * globalSetup paths without workspace source conditions, so re-export it from a file in your
 * package (`export { default } from '@baremetal-lb/envtest/global-setup';`) and list that file.
 */
import { createEnvtestGlobalSetup } from './create-envtest-global-setup.ts';

export default createEnvtestGlobalSetup();
