/** The one place the election code takes label selectors from (ipam owns the semantics). */
export { type LabelSelector, type Labels, matchesLabelSelector } from '@baremetal-lb/ipam';
