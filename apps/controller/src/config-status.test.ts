import { type ConfigProblem, ConfigProblemCode } from '@baremetal-lb/config';
import type { Condition } from '@baremetal-lb/kube';
import { describe, expect, it } from 'vitest';
import {
  type ConfigObject,
  conditionsEqual,
  configPath,
  planConditionWrites,
  problemEvent,
  type StatusKind,
} from './config-status.ts';

const now = '2026-12-05T03:00:00Z';
const earlier = '2026-12-01T00:00:00Z';

function object(name: string, status?: ConfigObject['status'], generation = 1): ConfigObject {
  return {
    metadata: { name, namespace: 'metallb-system', uid: `uid-${name}`, generation },
    spec: {},
    ...(status ? { status } : {}),
  };
}

const aggregation: ConfigProblem = {
  severity: 'warning',
  code: ConfigProblemCode.aggregationLength,
  object: { kind: 'BGPAdvertisement', name: 'agg' },
  field: 'spec.aggregationLength',
  message: 'pool "small" entry "198.51.100.0/28" is not made of whole /24 blocks',
};
const invalid: ConfigProblem = {
  severity: 'error',
  code: ConfigProblemCode.invalidBgpPeer,
  object: { kind: 'BGPPeer', name: 'bad' },
  message: 'peerAddress is not an IP address',
};

const accepted: Condition = {
  type: 'Valid',
  status: 'True',
  reason: 'Valid',
  message: 'configuration accepted',
  lastTransitionTime: earlier,
  observedGeneration: 1,
};

describe('planConditionWrites', () => {
  const plan = (objects: [StatusKind, ConfigObject[]][], problems: [string, ConfigProblem[]][] = []) =>
    planConditionWrites(new Map(objects), new Map(problems), now);

  it('writes Valid=True to an object without status, and nothing to one whose status already says it', () => {
    const writes = plan([
      ['L2Advertisement', [object('fresh'), object('known', { conditions: [accepted] })]],
    ]);
    expect(writes.map((w) => w.object.metadata.name)).toEqual(['fresh']);
    expect(writes[0]!.conditions).toEqual([{ ...accepted, lastTransitionTime: now }]);
    expect(writes[0]!.problems).toEqual([]);
  });

  it('reports each object its own problems: an error makes Valid False, warnings keep it True', () => {
    const writes = plan(
      [
        [
          'BGPAdvertisement',
          [object('agg', { conditions: [accepted] }), object('fine', { conditions: [accepted] })],
        ],
        ['BGPPeer', [object('bad')]],
      ],
      [
        ['BGPAdvertisement/agg', [aggregation]],
        ['BGPPeer/bad', [invalid]],
      ],
    );
    expect(writes.map((w) => `${w.kind}/${w.object.metadata.name}`)).toEqual([
      'BGPAdvertisement/agg',
      'BGPPeer/bad',
    ]);
    // Still True: the transition time is kept.
    expect(writes[0]!.conditions[0]).toMatchObject({
      status: 'True',
      reason: 'ValidWithWarnings',
      message: aggregation.message,
      lastTransitionTime: earlier,
    });
    expect(writes[1]!.conditions[0]).toMatchObject({
      status: 'False',
      reason: 'InvalidBGPPeer',
      lastTransitionTime: now,
    });
    expect(writes[1]!.problems).toEqual([invalid]);
  });

  it('rewrites a condition observed on an older generation and keeps other condition types', () => {
    const other: Condition = {
      type: 'Other',
      status: 'True',
      reason: 'X',
      message: 'x',
      lastTransitionTime: earlier,
    };
    const writes = plan([['Community', [object('c', { conditions: [other, accepted] }, 2)]]]);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.conditions).toEqual([other, { ...accepted, observedGeneration: 2 }]);
  });
});

describe('conditionsEqual', () => {
  it('tells lists apart by any field and by length', () => {
    expect(conditionsEqual(undefined, [])).toBe(true);
    expect(conditionsEqual([accepted], [{ ...accepted }])).toBe(true);
    expect(conditionsEqual([accepted], [{ ...accepted, message: 'm' }])).toBe(false);
    expect(conditionsEqual([accepted], [])).toBe(false);
  });
});

describe('problemEvent', () => {
  it('is undefined without problems', () => {
    expect(problemEvent([])).toBeUndefined();
  });

  it('is a Warning with the first error reason and every message', () => {
    expect(problemEvent([aggregation, invalid])).toEqual({
      type: 'Warning',
      reason: 'InvalidBGPPeer',
      message: `${aggregation.message}; ${invalid.message}`,
    });
    expect(problemEvent([aggregation])?.reason).toBe('AggregationLengthTooShort');
  });
});

describe('configPath', () => {
  it('serves BGPPeer as v1beta2 and the others as v1beta1', () => {
    expect(configPath('BGPPeer', 'ns')).toBe('/apis/metallb.io/v1beta2/namespaces/ns/bgppeers');
    expect(configPath('BFDProfile', 'ns')).toBe('/apis/metallb.io/v1beta1/namespaces/ns/bfdprofiles');
  });
});
