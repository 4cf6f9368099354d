import { formatMicroTime } from '@baremetal-lb/kube';
import { FakeClock } from '@baremetal-lb/kube/testing';
import { describe, expect, it } from 'vitest';
import { type EventObject, EventRecorder } from './event-recorder.ts';

const subject = { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'web', uid: 'u1' };

function setup() {
  const sent: EventObject[] = [];
  const recorder = new EventRecorder({
    sink: { create: async (event) => void sent.push(event) },
    clock: new FakeClock(),
    instance: 'a',
  });
  return { sent, recorder };
}

describe('EventRecorder', () => {
  it('emits an events.k8s.io/v1 event regarding the object', () => {
    const { sent, recorder } = setup();
    expect(recorder.record(subject, { type: 'Warning', reason: 'AllocationFailed', message: 'no IPs' })).toBe(
      true,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      apiVersion: 'events.k8s.io/v1',
      reason: 'AllocationFailed',
      note: 'no IPs',
      type: 'Warning',
      action: 'Allocate',
      reportingController: 'metallb-controller',
      metadata: { namespace: 'ns' },
      regarding: { kind: 'Service', name: 'web', uid: 'u1' },
    });
    expect(sent[0]!.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
  });

  it('suppresses a repeat of the last event but not a change', () => {
    const { sent, recorder } = setup();
    const failed = { type: 'Warning', reason: 'AllocationFailed', message: 'no IPs' } as const;
    recorder.record(subject, failed);
    expect(recorder.record(subject, failed)).toBe(false);
    recorder.record(subject, { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.0.2.1"]' });
    recorder.record(subject, failed);
    expect(sent.map((e) => e.reason)).toEqual(['AllocationFailed', 'IPAllocated', 'AllocationFailed']);
    recorder.forget('u1');
    expect(recorder.record(subject, failed)).toBe(true);
  });

  it('keeps each object separate and names events uniquely', () => {
    const { sent, recorder } = setup();
    const event = { type: 'Normal', reason: 'IPAllocated', message: 'x' } as const;
    recorder.record(subject, event);
    recorder.record({ ...subject, uid: 'u2' }, event);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.metadata.name).not.toBe(sent[1]!.metadata.name);
  });

  it('formats MicroTime with six fractional digits', () => {
    expect(formatMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
});
