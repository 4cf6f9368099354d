/**
 * Change notification for interfaces and addresses: a NETLINK_ROUTE socket subscribed to the
 * link, IPv4-address and IPv6-address groups, read through the addon's uv_poll loop. Each burst
 * of kernel notifications (coalesced per event-loop turn) triggers one fresh discovery, so the
 * listener always gets a complete, consistent list (never a half-applied delta). The first call, right after subscribing, carries
 * the initial state, so no change between "discover" and "subscribe" can be missed.
 */
import {
  type DiscoverOptions,
  discoverInterfaces,
  type NetworkInterface,
  openRouteSocket,
} from './discover-interfaces.ts';
import { RTMGRP_IPV4_IFADDR, RTMGRP_IPV6_IFADDR, RTMGRP_LINK } from './linux-constants.ts';
import { callNative, toSocketError } from './native-addon.ts';
import { decodeRouteMessages, type RouteMessage } from './netlink/route-messages.ts';
import { SocketOp } from './packet-socket-error.ts';

export type InterfaceChangeListener = (
  interfaces: readonly NetworkInterface[],
  changes: readonly RouteMessage[],
) => void;

export type WatchOptions = DiscoverOptions & {
  /** Called when the subscription fails (e.g. ENOBUFS after a notification storm). */
  readonly onError?: (error: unknown) => void;
};

export type InterfaceWatcher = {
  /** Stops watching; idempotent. */
  close(): Promise<void>;
};

/** struct sockaddr_nl { u16 family; u16 pad; u32 pid; u32 groups } */
function netlinkSockaddr(groups: number): Buffer {
  const address = Buffer.alloc(12);
  address.writeUInt16LE(16, 0);
  address.writeUInt32LE(groups, 8);
  return address;
}

/** Notification datagrams are small; 64 per wake-up covers a burst of address changes. */
const notificationSlots = 64;
const notificationBytes = 65_536;

export function watchInterfaces(
  listener: InterfaceChangeListener,
  options: WatchOptions = {},
): InterfaceWatcher {
  const discoverOptions = options.netns === undefined ? {} : { netns: options.netns };
  const socket = openRouteSocket(options.netns);
  let closing: Promise<void> | undefined;
  const report = (error: unknown) => {
    if (options.onError !== undefined) options.onError(error);
    else
      queueMicrotask(() => {
        throw error;
      });
  };
  // Notifications arrive in bursts (a pod start adds a veth, addresses, routes...): collect a
  // burst and discover once per event-loop turn.
  let pending: RouteMessage[] | undefined;
  const schedule = (changes: readonly RouteMessage[]) => {
    if (pending !== undefined) {
      pending.push(...changes);
      return;
    }
    pending = [...changes];
    setImmediate(() => {
      const batch = pending ?? [];
      pending = undefined;
      emit(batch);
    });
  };
  const emit = (changes: readonly RouteMessage[]) => {
    if (closing !== undefined) return;
    let interfaces: NetworkInterface[];
    try {
      interfaces = discoverInterfaces(discoverOptions);
    } catch (error) {
      report(error);
      return;
    }
    listener(interfaces, changes);
  };
  try {
    callNative(SocketOp.bind, '', () =>
      socket.bind(netlinkSockaddr(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR)),
    );
    callNative(SocketOp.receive, '', () =>
      socket.startReading(
        (error, data, lengths) => {
          if (error !== null) {
            report(toSocketError(error, SocketOp.receive, ''));
            return;
          }
          if (data === undefined || lengths === undefined) return;
          const changes: RouteMessage[] = [];
          let offset = 0;
          for (const length of lengths) {
            changes.push(...decodeRouteMessages(data.subarray(offset, offset + length)).messages);
            offset += length;
          }
          schedule(changes);
        },
        notificationSlots,
        notificationBytes,
      ),
    );
  } catch (error) {
    socket.close();
    throw error;
  }
  schedule([]);
  return {
    close() {
      if (closing === undefined) {
        closing = new Promise<void>((resolve) => {
          if (!socket.close(resolve)) resolve();
        });
      }
      return closing;
    },
  };
}
