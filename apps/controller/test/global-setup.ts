export { default } from '@baremetal-lb/envtest/global-setup';
