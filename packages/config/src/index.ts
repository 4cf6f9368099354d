export {
  type BFDProfile,
  type BFDProfileSpec,
  type BGPAdvertisement,
  type BGPAdvertisementSpec,
  type BGPPeer,
  type BGPPeerSpec,
  bgpPeerApiVersion,
  type Community,
  type SecretLike,
  type ServiceBGPStatus,
  serviceBGPStatusGenerateName,
} from './bgp-resources.ts';
export { buildConfiguration, type ConfigInput, type Configuration } from './build-configuration.ts';
export {
  type ConfigProblem,
  ConfigProblemCode,
  configProblemReason,
  isError,
  type ObjectRef,
  objectKey,
  problemsByObject,
} from './config-problem.ts';
export {
  type Condition,
  type IPAddressPool,
  type IPAddressPoolSpec,
  type IPAddressPoolStatus,
  type L2Advertisement,
  type L2AdvertisementSpec,
  type L2AdvertisementStatus,
  type LabeledObject,
  type MetallbKind,
  MetallbResource,
  metallbApiVersion,
  metallbGroup,
  metallbVersion,
  type ObjectMeta,
  type PreferredNodeSelector,
  type ServiceAllocationSpec,
  type ServiceL2Status,
  ServiceL2StatusLabel,
  type ServiceL2StatusStatus,
  serviceL2StatusGenerateName,
} from './metallb-resources.ts';
export { type ParsedCommunity, parseCommunity } from './parse-community.ts';
export { parseDurationMs } from './parse-duration.ts';
export type { ResolvedBfdProfile } from './resolve-bfd-profiles.ts';
export type { ResolvedBgpAdvertisement } from './resolve-bgp-advertisements.ts';
export type { PeerAuthentication, ResolvedBgpPeer } from './resolve-bgp-peers.ts';
export type { CommunityValue } from './resolve-communities.ts';
export type { ResolvedL2Advertisement } from './resolve-l2-advertisements.ts';
export type { ConfiguredPool } from './resolve-pools.ts';
export { type NodeL2Plan, selectL2ForService } from './select-l2-for-service.ts';
export {
  buildStatusConditions,
  type StatusConditionOptions,
  validConditionType,
} from './status-conditions.ts';
