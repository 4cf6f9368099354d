import type { TlsSettings } from './kube-config.ts';

/** Whether two TLS settings would make the same connections (compared by content, not identity). */
export function sameTls(a: TlsSettings, b: TlsSettings): boolean {
  const same = (x: string | Buffer | undefined, y: string | Buffer | undefined) =>
    x === y || (x !== undefined && y !== undefined && Buffer.from(x).equals(Buffer.from(y)));
  return (
    same(a.ca, b.ca) &&
    same(a.cert, b.cert) &&
    same(a.key, b.key) &&
    a.rejectUnauthorized === b.rejectUnauthorized &&
    a.servername === b.servername
  );
}
