// vitest resolves globalSetup files without the source condition; re-export from this package.
export { default } from '@baremetal-lb/envtest/global-setup';
