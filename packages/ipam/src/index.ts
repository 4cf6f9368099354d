export { type AddressRange, type ParsedEntry, parseAddressEntry, rangeSize } from './address-range.ts';
export { Allocator } from './allocator.ts';
export {
  familyOf,
  formatIp,
  formatIpv4,
  formatIpv6,
  type IpValue,
  normalizeIp,
  parseIp,
  parseIpv4,
  parseIpv6,
} from './ip-address.ts';
export { IpamError, IpamErrorCode, type IpamErrorDetails, isIpamError } from './ipam-error.ts';
export {
  type LabelSelector,
  type LabelSelectorRequirement,
  type Labels,
  labelSelectorProblems,
  matchesLabelSelector,
} from './label-selector.ts';
export type { PoolSpec, ServiceAllocation } from './pool-spec.ts';
export { type FamilyStats, INT64_MAX, type PoolStats } from './pool-stats.ts';
export {
  findPoolOverlaps,
  type PoolOverlap,
  type PoolProblem,
  PoolProblemCode,
  validatePoolSpec,
} from './pool-validation.ts';
export {
  type Assignment,
  IpFamily,
  IpFamilyPolicy,
  type PortProtocol,
  type ServicePort,
  type ServiceRequest,
} from './service-request.ts';
