import { describe, expect, it } from 'vitest';
import { matchesLabelSelector } from './label-selector.ts';

describe('matchesLabelSelector (Kubernetes semantics)', () => {
  const labels = { app: 'web', tier: 'front' };
  it('an empty selector matches everything, including no labels', () => {
    expect(matchesLabelSelector(labels, {})).toBe(true);
    expect(matchesLabelSelector(undefined, {})).toBe(true);
  });
  it('matchLabels needs every pair', () => {
    expect(matchesLabelSelector(labels, { matchLabels: { app: 'web' } })).toBe(true);
    expect(matchesLabelSelector(labels, { matchLabels: { app: 'web', tier: 'back' } })).toBe(false);
    expect(matchesLabelSelector({}, { matchLabels: { toString: 'x' } })).toBe(false);
  });
  it.each([
    ['In', ['web', 'db'], true],
    ['In', ['db'], false],
    ['NotIn', ['db'], true],
    ['NotIn', ['web'], false],
  ] as const)('%s %j on a present key -> %s', (operator, values, expected) => {
    expect(matchesLabelSelector(labels, { matchExpressions: [{ key: 'app', operator, values }] })).toBe(
      expected,
    );
  });
  it('NotIn and DoesNotExist match an absent key; In and Exists do not', () => {
    const on = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist') =>
      matchesLabelSelector(labels, { matchExpressions: [{ key: 'zone', operator, values: ['a'] }] });
    expect([on('In'), on('NotIn'), on('Exists'), on('DoesNotExist')]).toEqual([false, true, false, true]);
  });
  it('expressions and matchLabels are ANDed', () => {
    expect(
      matchesLabelSelector(labels, {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'Exists' }],
      }),
    ).toBe(true);
    expect(
      matchesLabelSelector(labels, {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }],
      }),
    ).toBe(false);
  });
  it('an unknown operator matches nothing', () => {
    const selector = { matchExpressions: [{ key: 'app', operator: 'Bogus' as 'In' }] };
    expect(matchesLabelSelector(labels, selector)).toBe(false);
  });
});
