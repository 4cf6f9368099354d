import type { Service } from '@baremetal-lb/kube';
import { annotationPrefix, deprecatedAnnotationPrefix, poolAnnotation } from './service-translation.ts';

/**
 * What of a Service can change the controller's decision, as one string. Informer updates that
 * leave it unchanged are not queued. The pool annotation is left out: it only mirrors the
 * ingress, and on a server that needs a separate annotation write, the ingress write's event
 * would otherwise queue the Service while the annotation write is still on its way.
 */
export function serviceFingerprint(service: Service): string {
  const spec = service.spec ?? {};
  const annotations: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(service.metadata.annotations ?? {})) {
    if (name === poolAnnotation) continue;
    if (name.startsWith(annotationPrefix) || name.startsWith(deprecatedAnnotationPrefix))
      annotations.push([name, value]);
  }
  annotations.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return JSON.stringify([
    service.metadata.uid,
    service.metadata.labels ?? null,
    annotations,
    spec.type,
    spec.loadBalancerClass,
    spec.clusterIP,
    spec.clusterIPs,
    spec.ipFamilies,
    spec.ipFamilyPolicy,
    spec.loadBalancerIP,
    spec.externalTrafficPolicy,
    spec.selector ?? null,
    (spec.ports ?? []).map((port) => [port.protocol ?? 'TCP', port.port]),
    service.status?.loadBalancer?.ingress ?? [],
  ]);
}
