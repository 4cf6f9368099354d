import { ArpWireError } from '../errors.ts';

/** The ArpWireError `action` throws; throws itself if `action` returns or throws anything else. */
export function catchWireError(action: () => unknown): ArpWireError {
  try {
    action();
  } catch (error) {
    if (error instanceof ArpWireError) return error;
    throw error;
  }
  throw new Error('expected an ArpWireError, nothing was thrown');
}
