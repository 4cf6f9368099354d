/** Shared helpers for allocator tests (not shipped: only tests import this file). */
import type { Allocator } from './allocator.ts';
import { IpamError } from './ipam-error.ts';
import type { ServiceRequest } from './service-request.ts';

/** The IpamError `run` throws; fails the test when it throws nothing or something else. */
export function failure(run: () => unknown): IpamError {
  try {
    run();
  } catch (error) {
    if (error instanceof IpamError) return error;
    throw error;
  }
  throw new Error('expected an IpamError');
}

/** The IPs `allocate` gives. */
export const ips = (allocator: Allocator, request: ServiceRequest): readonly string[] =>
  allocator.allocate(request).ips;
