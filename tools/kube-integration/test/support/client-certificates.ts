import { execFileSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Writes ca.crt and ca.key into `dir`: a throwaway CA for client certificates (openssl). */
export function createClientCa(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      ...curve,
      '-days',
      '1',
      '-subj',
      '/CN=bmlb-kube-test-client-ca',
      '-keyout',
      path.join(dir, 'ca.key'),
      '-out',
      path.join(dir, 'ca.crt'),
    ],
    { stdio: 'pipe' },
  );
}

/**
 * Issues a client certificate for `user` (CN) in `groups` (O), signed by the CA in `caDir`, and
 * writes it to `certFile` / `keyFile` (replacing them: that is a rotation).
 */
export function issueClientCertificate(options: {
  readonly caDir: string;
  readonly user: string;
  readonly groups?: readonly string[];
  readonly certFile: string;
  readonly keyFile: string;
}): void {
  const { caDir, certFile, keyFile } = options;
  const subject = `/CN=${options.user}${(options.groups ?? []).map((g) => `/O=${g}`).join('')}`;
  const csr = `${certFile}.csr`;
  const ext = `${certFile}.ext`;
  writeFileSync(ext, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature\n');
  try {
    execFileSync(
      'openssl',
      ['req', '-new', ...curve, '-subj', subject, '-keyout', `${keyFile}.new`, '-out', csr],
      {
        stdio: 'pipe',
      },
    );
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        path.join(caDir, 'ca.crt'),
        '-CAkey',
        path.join(caDir, 'ca.key'),
        '-set_serial',
        String(randomInt(1, 2 ** 47)),
        '-days',
        '1',
        '-extfile',
        ext,
        '-out',
        `${certFile}.new`,
      ],
      { stdio: 'pipe' },
    );
    // Certificate and key change together, each with an atomic rename.
    renameSync(`${keyFile}.new`, keyFile);
    renameSync(`${certFile}.new`, certFile);
  } finally {
    rmSync(csr, { force: true });
    rmSync(ext, { force: true });
  }
}
