import { HttpKubeClient, loadKubeConfig } from '@baremetal-lb/kube';
import type { SpeakerFlags } from '../cli/speaker-flags.ts';

/** The speaker's API client, as its flags say: --kubeconfig, --context, --kube-api-qps/-burst, --as*. */
export function openApiClient(
  flags: Pick<SpeakerFlags, 'kubeconfig' | 'client'>,
  env: NodeJS.ProcessEnv = process.env,
): HttpKubeClient {
  return new HttpKubeClient(loadKubeConfig(flags.kubeconfig, env, flags.client.kubeConfig), {
    rateLimit: flags.client.rateLimit,
  });
}
