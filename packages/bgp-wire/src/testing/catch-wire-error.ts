import { BgpWireError } from '../errors.ts';

/** The BgpWireError `action` throws; throws itself if `action` returns or throws anything else. */
export function catchWireError(action: () => unknown): BgpWireError {
  try {
    action();
  } catch (error) {
    if (error instanceof BgpWireError) return error;
    throw error;
  }
  throw new Error('expected a BgpWireError, nothing was thrown');
}
