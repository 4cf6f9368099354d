import { describe, expect, it } from 'vitest';
import { type EventObject, EventRecorder, type EventRecorderOptions } from './event-recorder.ts';
import { formatMicroTime } from './micro-time.ts';
import { FakeClock } from './testing/fake-clock.ts';

const subject = { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'web', uid: 'u1' };

function setup(options: Partial<EventRecorderOptions> = {}) {
  const sent: EventObject[] = [];
  const recorder = new EventRecorder({
    sink: { create: async (event) => void sent.push(event) },
    clock: new FakeClock(),
    reportingController: 'metallb-controller',
    reportingInstance: 'metallb-controller-a',
    actions: { AllocationFailed: 'Allocate' },
    defaultAction: 'Reconcile',
    ...options,
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
      reportingInstance: 'metallb-controller-a',
      metadata: { namespace: 'ns' },
      regarding: { kind: 'Service', name: 'web', uid: 'u1' },
    });
    expect(sent[0]!.metadata.name).toMatch(/^web\.[0-9a-f]+$/);
    recorder.record(subject, { type: 'Normal', reason: 'Other', message: 'x' });
    expect(sent[1]!.action).toBe('Reconcile');
  });

  it('suppresses a repeat of the last event but not a change', () => {
    const { sent, recorder } = setup();
    const failed = { type: 'Warning', reason: 'AllocationFailed', message: 'no IPs' } as const;
    recorder.record(subject, failed);
    expect(recorder.record(subject, failed)).toBe(false);
    recorder.record(subject, { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["192.0.2.1"]' });
    recorder.record(subject, failed);
    expect(sent.map((e) => e.reason)).toEqual(['AllocationFailed', 'IPAllocated', 'AllocationFailed']);
    recorder.forget(subject);
    expect(recorder.record(subject, failed)).toBe(true);
  });

  it('sends every repeat when suppressRepeats is off, and names an object without uid', () => {
    const { sent, recorder } = setup({ suppressRepeats: false });
    const noUid = { apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'web' };
    const moved = { type: 'Normal', reason: 'nodeAssigned', message: 'announcing from node "a"' } as const;
    expect(recorder.record(noUid, moved)).toBe(true);
    expect(recorder.record(noUid, moved)).toBe(true);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.regarding).toEqual({ apiVersion: 'v1', kind: 'Service', namespace: 'ns', name: 'web' });
  });

  it('keeps each object separate, names events uniquely, and cuts long notes and instances', () => {
    const { sent, recorder } = setup({ reportingInstance: 'i'.repeat(200) });
    const event = { type: 'Normal', reason: 'IPAllocated', message: 'x'.repeat(1500) } as const;
    recorder.record(subject, event);
    recorder.record({ ...subject, uid: 'u2' }, event);
    expect(sent).toHaveLength(2);
    expect(sent[0]!.metadata.name).not.toBe(sent[1]!.metadata.name);
    expect(sent[0]!.note).toHaveLength(1000);
    expect(sent[0]!.note.endsWith('...')).toBe(true);
    expect(sent[0]!.reportingInstance).toHaveLength(128);
  });

  it('logs a lost event instead of throwing', async () => {
    const warnings: unknown[] = [];
    const log = { debug() {}, info() {}, error() {}, warn: (fields: object) => void warnings.push(fields) };
    const { recorder } = setup({ sink: { create: async () => Promise.reject(new Error('403')) }, log });
    expect(recorder.record(subject, { type: 'Normal', reason: 'IPAllocated', message: 'x' })).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings).toEqual([{ err: new Error('403'), reason: 'IPAllocated', object: 'ns/web' }]);
  });

  it('formats MicroTime with six fractional digits', () => {
    expect(formatMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678))).toBe('2026-01-02T03:04:05.678000Z');
  });
});
