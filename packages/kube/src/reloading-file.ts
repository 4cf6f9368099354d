import { readFileSync } from 'node:fs';
import { KubeConfigError } from './kube-error.ts';

/**
 * A credential file that rotates under us (a projected ServiceAccount token, a CA bundle, a
 * client certificate renewed by cert-manager or kubeadm): read once up front, so a wrong path
 * fails at start, then again on every `read()`. A read that fails later (the file is being
 * replaced) keeps the last good content rather than failing requests.
 */
export class ReloadingFile {
  readonly #path: string;
  #content: Buffer;

  /** `what` names the file in errors (`token file "t"`); `source` names the kubeconfig. */
  constructor(path: string, what: string, source: string) {
    this.#path = path;
    try {
      this.#content = readFileSync(path);
    } catch (error) {
      throw new KubeConfigError(source, `${what}: ${(error as Error).message}`, { cause: error });
    }
  }

  read(): Buffer {
    try {
      this.#content = readFileSync(this.#path);
    } catch {
      // Mid-rotation: keep the previous content (the next read picks up the new one).
    }
    return this.#content;
  }
}
