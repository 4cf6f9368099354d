import { describe, expect, it } from 'vitest';
import { type ConfigProblem, ConfigProblemCode } from './config-problem.ts';
import type { Condition } from './metallb-resources.ts';
import { buildStatusConditions, validConditionType } from './status-conditions.ts';

const object = { kind: 'IPAddressPool', name: 'p' } as const;
const warning: ConfigProblem = {
  severity: 'warning',
  code: ConfigProblemCode.hostBitsSet,
  object,
  message: 'host bits',
};
const error: ConfigProblem = {
  severity: 'error',
  code: ConfigProblemCode.overlap,
  object,
  message: 'overlaps',
};
const now = '2026-11-26T13:00:00Z';

describe('buildStatusConditions', () => {
  it('is Valid=True with no problems', () => {
    expect(buildStatusConditions([], { now, observedGeneration: 3 })).toEqual([
      {
        type: 'Valid',
        status: 'True',
        reason: 'Valid',
        message: 'configuration accepted',
        lastTransitionTime: now,
        observedGeneration: 3,
      },
    ]);
  });

  it('stays True with warnings and lists them', () => {
    expect(buildStatusConditions([warning], { now })[0]).toMatchObject({
      status: 'True',
      reason: 'ValidWithWarnings',
      message: 'host bits',
    });
  });

  it('is False with the reason of the first error and every message', () => {
    expect(buildStatusConditions([warning, error], { now })[0]).toMatchObject({
      status: 'False',
      reason: 'Overlap',
      message: 'host bits; overlaps',
    });
  });

  it('keeps the transition time while the status holds, and other condition types', () => {
    const previous: Condition[] = [
      {
        type: 'Other',
        status: 'True',
        reason: 'X',
        message: 'x',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
      {
        type: validConditionType,
        status: 'False',
        reason: 'Overlap',
        message: 'old',
        lastTransitionTime: '2026-02-01T00:00:00Z',
      },
    ];
    const same = buildStatusConditions([error], { now, previous });
    expect(same).toHaveLength(2);
    expect(same[0]).toBe(previous[0]);
    expect(same[1]).toMatchObject({ lastTransitionTime: '2026-02-01T00:00:00Z', message: 'overlaps' });
    expect(buildStatusConditions([], { now, previous })[1]).toMatchObject({
      status: 'True',
      lastTransitionTime: now,
    });
  });

  it('caps the message at the metav1.Condition limit', () => {
    const many = Array.from({ length: 2_000 }, () => ({ ...error, message: 'x'.repeat(40) }));
    const message = buildStatusConditions(many, { now })[0]?.message ?? '';
    expect(message.length).toBe(32_768);
    expect(message.endsWith('...')).toBe(true);
  });
});
