/**
 * The static token file of kube-apiserver (`--token-auth-file`): one CSV line per user,
 * `token,user,uid,"group1,group2"`. The server reads it once at start, so every static user is
 * declared up front; later identities come from service-account tokens (see
 * createServiceAccountKubeconfig).
 */
import { randomBytes } from 'node:crypto';

/** A user to authenticate with a static bearer token. */
export type TokenUser = {
  readonly name: string;
  readonly groups?: readonly string[];
  /** Default: random. */
  readonly token?: string;
};

/** A user with its token decided. */
export type IssuedUser = {
  readonly name: string;
  readonly groups: readonly string[];
  readonly token: string;
};

/** The admin user every envtest has: member of system:masters, so RBAC never denies it. */
export const adminUserName = 'envtest-admin';

export function generateToken(): string {
  return randomBytes(24).toString('hex');
}

const safeField = /^[A-Za-z0-9:._@/-]+$/;

/** Decides tokens; throws a TypeError for names, groups or tokens the CSV cannot hold. */
export function issueUsers(users: readonly TokenUser[]): IssuedUser[] {
  return users.map((user) => {
    const issued = { name: user.name, groups: user.groups ?? [], token: user.token ?? generateToken() };
    for (const field of [issued.name, issued.token, ...issued.groups]) {
      if (!safeField.test(field))
        throw new TypeError(`token-file field "${field}" has characters outside [A-Za-z0-9:._@/-]`);
    }
    return issued;
  });
}

export function formatTokenFile(users: readonly IssuedUser[]): string {
  return users.map((user) => `${user.token},${user.name},${user.name},"${user.groups.join(',')}"\n`).join('');
}
