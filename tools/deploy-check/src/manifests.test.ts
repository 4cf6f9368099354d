import { describe, expect, it } from 'vitest';
import { DeployCheckError } from './deploy-check-error.ts';
import { objectKey, parseManifests, sortObjects, withoutHelmMetadata } from './manifests.ts';

describe('parseManifests', () => {
  it('drops empty documents and comments, and reads YAML 1.1 like the Go tools', () => {
    const objects = parseManifests(
      '---\n# Source: x\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: ns}\ndata: {a: yes, b: "on"}\n',
    );
    expect(objects).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'b', namespace: 'ns' },
        data: { a: true, b: 'on' },
      },
    ]);
  });

  it('refuses a document without kind or name, and broken YAML, with a stable code', () => {
    for (const text of ['apiVersion: v1\nkind: ConfigMap\n', 'kind: [unclosed\n']) {
      expect(() => parseManifests(text, 'test')).toThrow(DeployCheckError);
      try {
        parseManifests(text, 'test');
      } catch (error) {
        expect((error as DeployCheckError).code).toBe('ERR_DEPLOY_CHECK_BAD_MANIFEST');
      }
    }
  });
});

describe('sortObjects and objectKey', () => {
  it('order by kind, namespace and name', () => {
    const a = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'a', namespace: 'z' } };
    const b = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'b' } };
    expect(sortObjects([a, b]).map(objectKey)).toEqual(['ClusterRole b', 'Secret z/a']);
  });
});

describe('withoutHelmMetadata', () => {
  it('removes exactly the ownership label and annotations Helm adds', () => {
    const live = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'memberlist',
        labels: { 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/name': 'baremetal-lb' },
        annotations: {
          'meta.helm.sh/release-name': 'r',
          'meta.helm.sh/release-namespace': 'n',
          'helm.sh/resource-policy': 'keep',
        },
      },
    };
    expect(withoutHelmMetadata(live).metadata).toEqual({
      name: 'memberlist',
      labels: { 'app.kubernetes.io/name': 'baremetal-lb' },
      annotations: { 'helm.sh/resource-policy': 'keep' },
    });
    const onlyHelm = { ...live, metadata: { name: 'x', labels: { 'app.kubernetes.io/managed-by': 'Helm' } } };
    expect(withoutHelmMetadata(onlyHelm).metadata).toEqual({ name: 'x' });
  });
});
