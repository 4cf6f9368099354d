import { injectEnvtest } from '@baremetal-lb/envtest/vitest';
import { apiEventSink, EventRecorder, systemClock } from '@baremetal-lb/kube';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestApi, waitFor } from './support/test-api.ts';

const envtest = injectEnvtest();

type CoreEvent = {
  readonly reason: string;
  readonly message: string;
  readonly type: string;
  readonly involvedObject: { readonly kind: string; readonly name: string; readonly uid?: string };
  readonly reportingComponent: string;
};

describe.skipIf(!envtest)('events against a real kube-apiserver', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await TestApi.open(envtest!);
  });
  afterAll(async () => api?.close());

  it('creates events.k8s.io/v1 events that core/v1 readers (kubectl describe) see on the object', async () => {
    const namespace = await api.namespace('events');
    const configMap = await api.createConfigMap(namespace, 'web');
    const recorder = new EventRecorder({
      sink: apiEventSink(api.admin),
      clock: systemClock,
      reportingController: 'metallb-speaker',
      reportingInstance: 'node-a',
      defaultAction: 'Announce',
      suppressRepeats: false,
    });
    const subject = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace,
      name: 'web',
      uid: configMap.metadata.uid,
    };
    recorder.record(subject, { type: 'Normal', reason: 'nodeAssigned', message: 'announcing from node "a"' });
    recorder.record(
      { ...subject, uid: undefined },
      { type: 'Warning', reason: 'IPConflict', message: 'taken' },
    );
    const byObject = `/api/v1/namespaces/${namespace}/events?fieldSelector=involvedObject.name%3Dweb`;
    let events: CoreEvent[] = [];
    await waitFor('both events', async () => {
      events = (await api.admin.request<{ items: CoreEvent[] }>('GET', byObject)).items;
      return events.length === 2;
    });
    const sorted = [...events].sort((a, b) => a.reason.localeCompare(b.reason));
    expect(sorted).toMatchObject([
      {
        reason: 'IPConflict',
        message: 'taken',
        type: 'Warning',
        involvedObject: { kind: 'ConfigMap', name: 'web' },
        reportingComponent: 'metallb-speaker',
      },
      {
        reason: 'nodeAssigned',
        message: 'announcing from node "a"',
        type: 'Normal',
        involvedObject: { kind: 'ConfigMap', name: 'web', uid: configMap.metadata.uid },
        reportingComponent: 'metallb-speaker',
      },
    ]);
  });
});
