/** Whom to act as (kubectl's --as, --as-group, --as-uid); the real user needs the `impersonate` verb. */
export type Impersonation = {
  readonly user: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
};

/** An impersonation override as kubeconfig user fields (it replaces theirs, extras kept). */
export function impersonatedFields(impersonate: Impersonation | undefined): Record<string, unknown> {
  if (impersonate === undefined) return {};
  return { as: impersonate.user, 'as-uid': impersonate.uid, 'as-groups': impersonate.groups };
}

/**
 * The Impersonate-* headers of the user's `as`, `as-uid`, `as-groups` and `as-user-extra` fields
 * (what kubectl --as sends; the API server checks the `impersonate` verb for the real user).
 */
export function impersonationHeaders(
  fields: Readonly<Record<string, unknown>>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const as = fields.as;
  if (typeof as === 'string' && as !== '') headers['impersonate-user'] = as;
  const uid = fields['as-uid'];
  if (typeof uid === 'string' && uid !== '') headers['impersonate-uid'] = uid;
  const groups = fields['as-groups'];
  if (Array.isArray(groups) && groups.length > 0) headers['impersonate-group'] = groups.map(String);
  const extra = fields['as-user-extra'];
  if (extra !== null && typeof extra === 'object') {
    for (const [name, values] of Object.entries(extra as Record<string, unknown>)) {
      // Header names are case-insensitive; extra keys are percent-encoded (RFC 3986 unreserved kept).
      const list = (Array.isArray(values) ? values : [values]).map(String);
      headers[`impersonate-extra-${encodeURIComponent(name).toLowerCase()}`] = list;
    }
  }
  return headers;
}
