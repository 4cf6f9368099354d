/**
 * End-of-RIB markers (RFC 4724 section 2): for IPv4 unicast an UPDATE with no withdrawn routes,
 * no attributes and no NLRI; for any other family an UPDATE whose only attribute is an empty
 * MP_UNREACH_NLRI of that family.
 */
import { type AddressFamily, Afi, Safi } from './address-family.ts';
import { MessageType } from './message-header.ts';
import { AttributeType } from './path-attribute.ts';
import type { UpdateMessage } from './update-message.ts';

/** The End-of-RIB UPDATE for `family`. */
export function buildEndOfRib(family: AddressFamily): UpdateMessage {
  if (family.afi === Afi.ipv4 && family.safi === Safi.unicast) {
    return { type: MessageType.update, withdrawn: [], attributes: [], nlri: [] };
  }
  if (
    (family.afi === Afi.ipv4 || family.afi === Afi.ipv6) &&
    (family.safi === Safi.unicast || family.safi === Safi.multicast)
  ) {
    return {
      type: MessageType.update,
      withdrawn: [],
      attributes: [{ kind: 'mpUnreachNlri', afi: family.afi, safi: family.safi, withdrawn: [] }],
      nlri: [],
    };
  }
  // Families this package does not decode: the same attribute, raw (optional, non-transitive).
  const value = Uint8Array.of(family.afi >>> 8, family.afi & 0xff, family.safi);
  return {
    type: MessageType.update,
    withdrawn: [],
    attributes: [{ kind: 'unknown', type: AttributeType.mpUnreachNlri, flags: 0x80, value }],
    nlri: [],
  };
}

/** The family `update` marks the end of, or undefined when it is not an End-of-RIB marker. */
export function endOfRibFamily(update: UpdateMessage): AddressFamily | undefined {
  if (update.withdrawn.length !== 0 || update.nlri.length !== 0) return undefined;
  const { attributes } = update;
  if (attributes.length === 0) return { afi: Afi.ipv4, safi: Safi.unicast };
  if (attributes.length !== 1) return undefined;
  const only = attributes[0]!;
  if (only.kind === 'mpUnreachNlri' && only.withdrawn.length === 0) return { afi: only.afi, safi: only.safi };
  if (only.kind === 'unknown' && only.type === AttributeType.mpUnreachNlri && only.value.length === 3) {
    return { afi: (only.value[0]! << 8) | only.value[1]!, safi: only.value[2]! };
  }
  return undefined;
}
