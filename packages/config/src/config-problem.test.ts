import { describe, expect, it } from 'vitest';
import {
  type ConfigProblem,
  ConfigProblemCode,
  configProblemReason,
  objectKey,
  problemCodeForField,
  problemsByObject,
} from './config-problem.ts';

describe('config problems', () => {
  it('groups problems per object in order', () => {
    const a = { kind: 'IPAddressPool', name: 'a' } as const;
    const b = { kind: 'L2Advertisement', name: 'a' } as const;
    const problems: ConfigProblem[] = [
      { severity: 'error', code: ConfigProblemCode.overlap, object: a, message: '1' },
      { severity: 'warning', code: ConfigProblemCode.unknownPool, object: b, message: '2' },
      { severity: 'warning', code: ConfigProblemCode.hostBitsSet, object: a, message: '3' },
    ];
    const grouped = problemsByObject(problems);
    expect([...grouped.keys()]).toEqual(['IPAddressPool/a', 'L2Advertisement/a']);
    expect(grouped.get(objectKey(a))?.map((p) => p.message)).toEqual(['1', '3']);
  });

  it('has a CamelCase reason for every code', () => {
    for (const code of Object.values(ConfigProblemCode))
      expect(configProblemReason[code]).toMatch(/^[A-Z][A-Za-z]+$/);
  });

  it('derives codes from field paths', () => {
    expect(problemCodeForField('spec.preferredNodeSelectors[0].weight')).toBe(
      ConfigProblemCode.invalidWeight,
    );
    expect(problemCodeForField('spec.preferredNodeSelectors[0].preference.matchLabels')).toBe(
      ConfigProblemCode.invalidSelector,
    );
    expect(problemCodeForField('spec.nodeSelectors[1]')).toBe(ConfigProblemCode.invalidSelector);
    expect(problemCodeForField('spec.interfaces')).toBe(ConfigProblemCode.invalidField);
  });
});
