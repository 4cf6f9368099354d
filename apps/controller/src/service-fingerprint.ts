import type { Service } from './kube-types.ts';
import { annotationPrefix, deprecatedAnnotationPrefix, poolAnnotation } from './service-translation.ts';

/**
 * What of a Service can change the controller's decision, as one string. Informer updates that
 * leave it unchanged are not queued: our own annotation write is one of those (the ingress write
 * that follows it is what re-queues the Service, so a reconcile never sees half our writes).
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
