/**
 * What the OPEN exchange negotiated that changes how the other messages are laid out. The
 * session layer builds one after OPEN and passes it to every decode and encode.
 */
import { MAX_MESSAGE_LENGTH_BYTES } from './message-header.ts';

export type SessionOptions = {
  /** Both sides sent the 4-octet AS capability (RFC 6793): AS_PATH and AGGREGATOR carry 4-octet ASNs. */
  readonly fourOctetAs: boolean;
  /** Largest message: 4096, or 65535 when both sides sent Extended Message (RFC 8654). */
  readonly maxMessageLength: number;
};

/** Every modern implementation negotiates 4-octet ASNs; messages stay within RFC 4271's 4096 bytes. */
export const DEFAULT_SESSION: SessionOptions = {
  fourOctetAs: true,
  maxMessageLength: MAX_MESSAGE_LENGTH_BYTES,
};
