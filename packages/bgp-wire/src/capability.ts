/**
 * BGP capabilities (RFC 5492): code (1 byte), length (1 byte), value. Decoded here: multiprotocol
 * (RFC 4760), route refresh (RFC 2918), extended message (RFC 8654), graceful restart (RFC 4724,
 * with the N bit of RFC 8538), 4-octet AS (RFC 6793), add-path (RFC 7911) and enhanced route
 * refresh (RFC 7313). Everything else, long-lived graceful restart included, is kept raw.
 */
import { copyBytes } from './copy-bytes.ts';
import { BgpMessageError, BgpWireErrorCode } from './errors.ts';
import { NotificationCode, UNSPECIFIC_SUBCODE } from './notification-code.ts';
import { readUint32, writeUint32 } from './uint32.ts';

export const CapabilityCode = {
  multiprotocol: 1,
  routeRefresh: 2,
  extendedMessage: 6,
  gracefulRestart: 64,
  fourOctetAs: 65,
  addPath: 69,
  enhancedRouteRefresh: 70,
  longLivedGracefulRestart: 71,
} as const;
export type CapabilityCode = (typeof CapabilityCode)[keyof typeof CapabilityCode];

/** RFC 7911 section 4: which directions add-path is wanted in. */
export const AddPathDirection = { receive: 1, send: 2, both: 3 } as const;
export type AddPathDirection = (typeof AddPathDirection)[keyof typeof AddPathDirection];

export type MultiprotocolCapability = {
  readonly kind: 'multiprotocol';
  readonly afi: number;
  readonly safi: number;
};
export type RouteRefreshCapability = { readonly kind: 'routeRefresh' };
export type EnhancedRouteRefreshCapability = { readonly kind: 'enhancedRouteRefresh' };
export type ExtendedMessageCapability = { readonly kind: 'extendedMessage' };
export type FourOctetAsCapability = { readonly kind: 'fourOctetAs'; readonly asn: number };
export type GracefulRestartFamily = {
  readonly afi: number;
  readonly safi: number;
  /** F bit: forwarding state was preserved across the restart. */
  readonly forwardingPreserved: boolean;
};
export type GracefulRestartCapability = {
  readonly kind: 'gracefulRestart';
  /** R bit: the sender has restarted. */
  readonly restarting: boolean;
  /** N bit (RFC 8538): NOTIFICATION messages are covered by graceful restart. */
  readonly notification: boolean;
  /** Restart Time in seconds (12 bits). */
  readonly restartTimeSeconds: number;
  readonly families: readonly GracefulRestartFamily[];
};
export type AddPathFamily = {
  readonly afi: number;
  readonly safi: number;
  readonly direction: AddPathDirection;
};
export type AddPathCapability = { readonly kind: 'addPath'; readonly families: readonly AddPathFamily[] };
/** Any other capability, as received. */
export type RawCapability = { readonly kind: 'raw'; readonly code: number; readonly value: Uint8Array };

export type Capability =
  | MultiprotocolCapability
  | RouteRefreshCapability
  | EnhancedRouteRefreshCapability
  | ExtendedMessageCapability
  | FourOctetAsCapability
  | GracefulRestartCapability
  | AddPathCapability
  | RawCapability;

/** Value length of `capability` (without its 2-byte code and length). */
export function capabilityValueLength(capability: Capability): number {
  switch (capability.kind) {
    case 'multiprotocol':
    case 'fourOctetAs':
      return 4;
    case 'routeRefresh':
    case 'enhancedRouteRefresh':
    case 'extendedMessage':
      return 0;
    case 'gracefulRestart':
      return 2 + 4 * capability.families.length;
    case 'addPath':
      return 4 * capability.families.length;
    case 'raw':
      return capability.value.length;
  }
}

const CODE_OF = {
  multiprotocol: CapabilityCode.multiprotocol,
  routeRefresh: CapabilityCode.routeRefresh,
  enhancedRouteRefresh: CapabilityCode.enhancedRouteRefresh,
  extendedMessage: CapabilityCode.extendedMessage,
  fourOctetAs: CapabilityCode.fourOctetAs,
  gracefulRestart: CapabilityCode.gracefulRestart,
  addPath: CapabilityCode.addPath,
} as const;

/** Writes code, length and value; returns the offset after it. Room is checked by the caller. */
export function writeCapability(buf: Uint8Array, offset: number, capability: Capability): number {
  const length = capabilityValueLength(capability);
  buf[offset] = capability.kind === 'raw' ? capability.code : CODE_OF[capability.kind];
  buf[offset + 1] = length;
  let at = offset + 2;
  switch (capability.kind) {
    case 'multiprotocol':
      at = writeFamily(buf, at, capability.afi, capability.safi, 0);
      break;
    case 'fourOctetAs':
      writeUint32(buf, at, capability.asn);
      at += 4;
      break;
    case 'gracefulRestart': {
      const time = capability.restartTimeSeconds & 0x0fff;
      buf[at] = (capability.restarting ? 0x80 : 0) | (capability.notification ? 0x40 : 0) | (time >>> 8);
      buf[at + 1] = time & 0xff;
      at += 2;
      for (const family of capability.families) {
        // Graceful restart families: AFI (2), SAFI (1), flags (1) — SAFI before flags.
        buf[at] = family.afi >>> 8;
        buf[at + 1] = family.afi & 0xff;
        buf[at + 2] = family.safi;
        buf[at + 3] = family.forwardingPreserved ? 0x80 : 0;
        at += 4;
      }
      break;
    }
    case 'addPath':
      for (const family of capability.families) {
        buf[at] = family.afi >>> 8;
        buf[at + 1] = family.afi & 0xff;
        buf[at + 2] = family.safi;
        buf[at + 3] = family.direction;
        at += 4;
      }
      break;
    case 'raw':
      buf.set(capability.value, at);
      at += capability.value.length;
      break;
    default:
      break;
  }
  return at;
}

/** Reads one capability whose value is `buf[at, at + length)`; the caller checked the bounds. */
export function readCapability(buf: Uint8Array, code: number, at: number, length: number): Capability {
  const malformed = (): never => {
    throw new BgpMessageError(
      BgpWireErrorCode.openMalformedCapability,
      `capability ${code} has length ${length}`,
      at - 1,
      { code: NotificationCode.openMessageError, subcode: UNSPECIFIC_SUBCODE },
    );
  };
  switch (code) {
    case CapabilityCode.multiprotocol:
      if (length !== 4) malformed();
      return { kind: 'multiprotocol', afi: (buf[at]! << 8) | buf[at + 1]!, safi: buf[at + 3]! };
    case CapabilityCode.fourOctetAs:
      if (length !== 4) malformed();
      return { kind: 'fourOctetAs', asn: readUint32(buf, at) };
    case CapabilityCode.routeRefresh:
    case CapabilityCode.enhancedRouteRefresh:
    case CapabilityCode.extendedMessage:
      if (length !== 0) malformed();
      return code === CapabilityCode.routeRefresh
        ? { kind: 'routeRefresh' }
        : code === CapabilityCode.extendedMessage
          ? { kind: 'extendedMessage' }
          : { kind: 'enhancedRouteRefresh' };
    case CapabilityCode.gracefulRestart: {
      if (length < 2 || (length - 2) % 4 !== 0) malformed();
      const families: GracefulRestartFamily[] = [];
      for (let i = at + 2; i < at + length; i += 4) {
        families.push({
          afi: (buf[i]! << 8) | buf[i + 1]!,
          safi: buf[i + 2]!,
          forwardingPreserved: (buf[i + 3]! & 0x80) !== 0,
        });
      }
      return {
        kind: 'gracefulRestart',
        restarting: (buf[at]! & 0x80) !== 0,
        notification: (buf[at]! & 0x40) !== 0,
        restartTimeSeconds: ((buf[at]! & 0x0f) << 8) | buf[at + 1]!,
        families,
      };
    }
    case CapabilityCode.addPath: {
      if (length === 0 || length % 4 !== 0) malformed();
      const families: AddPathFamily[] = [];
      for (let i = at; i < at + length; i += 4) {
        const direction = buf[i + 3]!;
        if (direction < 1 || direction > 3) malformed();
        families.push({
          afi: (buf[i]! << 8) | buf[i + 1]!,
          safi: buf[i + 2]!,
          direction: direction as AddPathDirection,
        });
      }
      return { kind: 'addPath', families };
    }
    default:
      return { kind: 'raw', code, value: copyBytes(buf, at, at + length) };
  }
}

function writeFamily(buf: Uint8Array, at: number, afi: number, safi: number, reserved: number): number {
  buf[at] = afi >>> 8;
  buf[at + 1] = afi & 0xff;
  buf[at + 2] = reserved;
  buf[at + 3] = safi;
  return at + 4;
}
