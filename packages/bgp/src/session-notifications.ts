/** The NOTIFICATIONs the state machine sends (RFC 4271 section 6, RFC 6608, RFC 4486). */
import {
  CeaseSubcode,
  FsmErrorSubcode,
  MessageType,
  NotificationCode,
  type NotificationMessage,
  type OpenMessage,
  OpenMessageErrorSubcode,
} from '@baremetal-lb/bgp-wire';
import { negotiate } from './negotiate.ts';
import type { MachineConfig } from './session-machine.ts';
import type { ConnectionPhase } from './session-state.ts';

export const notification = (
  code: number,
  subcode: number,
  data: Uint8Array = new Uint8Array(0),
): NotificationMessage => ({
  type: MessageType.notification,
  code,
  subcode,
  data,
});

/** Cease / Connection Collision Resolution (section 6.8). */
export const collision = () =>
  notification(NotificationCode.cease, CeaseSubcode.connectionCollisionResolution);

/** Section 6.2's checks the decoder cannot make: the peer's AS and its BGP Identifier. */
export function checkPeerOpen(open: OpenMessage, config: MachineConfig): NotificationMessage | undefined {
  const asn = negotiate(config.open, open).peerAsn;
  if (asn !== config.peerAsn) {
    const data = Uint8Array.of(open.myAs >>> 8, open.myAs & 0xff);
    return notification(NotificationCode.openMessageError, OpenMessageErrorSubcode.badPeerAs, data);
  }
  // RFC 6286 section 2.2: an internal peer must not use our identifier.
  if (config.peerAsn === config.localAsn && open.bgpIdentifier === config.routerId) {
    return notification(NotificationCode.openMessageError, OpenMessageErrorSubcode.badBgpIdentifier);
  }
  return undefined;
}

/** FSM Error subcodes of RFC 6608 by the state the unexpected message arrived in. */
export const FSM_SUBCODE: Record<ConnectionPhase, number> = {
  OpenSent: FsmErrorSubcode.unexpectedMessageInOpenSent,
  OpenConfirm: FsmErrorSubcode.unexpectedMessageInOpenConfirm,
  Established: FsmErrorSubcode.unexpectedMessageInEstablished,
};
