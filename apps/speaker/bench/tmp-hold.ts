import { rankCandidates } from '@baremetal-lb/leader';
import {
  arpingMac,
  createLbService,
  createMetallbObject,
  createSpeakerLab,
  NET,
  NODE_NAMES,
  speakerEntry,
  speakerEnv,
  waitFor,
} from '../tests/e2e/speaker-lab.ts';
import { BENCH_SPEAKER_FLAGS } from './bench-lab.ts';

const vip = `${NET}.200`;
const t = await createSpeakerLab();
try {
  await createMetallbObject(t, 'ipaddresspools', {
    kind: 'IPAddressPool',
    metadata: { name: 'main' },
    spec: { addresses: [`${NET}.100-${NET}.220`] },
  });
  await createMetallbObject(t, 'l2advertisements', { kind: 'L2Advertisement', metadata: { name: 'main' } });
  await createLbService(t, 'web', [vip], 'Cluster', ['nodea']);
  const owner = t.hostOf(rankCandidates(NODE_NAMES, vip)[0]!);
  await Promise.all(
    t.nodes.map((h) => t.start(h, [...BENCH_SPEAKER_FLAGS, '--log-level=warn'], speakerEntry, speakerEnv)),
  );
  await waitFor(async () => (await arpingMac(t.client, vip)) === owner.mac, 30_000, 'announce');
  for (let i = 0; i < 99; i++)
    await createLbService(t, `bulk-${i}`, [`${NET}.${100 + i}`], 'Cluster', ['nodea']);
  console.log('READY', NODE_NAMES.map((n) => `${t.speakers.get(n)!.child.pid}`).join(' '));
  await new Promise((r) => setTimeout(r, Number(process.env.HOLD_MS ?? 120000)));
} finally {
  await t.destroy();
}
