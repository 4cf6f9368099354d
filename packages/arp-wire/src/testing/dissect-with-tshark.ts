/**
 * Wireshark's view of frames: writes them to a pcap in a fresh temporary folder, runs
 * `tshark -T fields` on it and returns one row per frame, each field's occurrences joined by
 * commas. The cross-check tests of this package and of bgp-wire use it (they skip without tshark).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writePcap } from './pcap.ts';

export function dissectWithTshark<F extends string>(
  frames: readonly Uint8Array[],
  fields: readonly F[],
): Record<F, string>[] {
  const dir = mkdtempSync(path.join(tmpdir(), 'tshark-'));
  try {
    const file = path.join(dir, 'frames.pcap');
    writeFileSync(file, writePcap(frames));
    const output = execFileSync(
      'tshark',
      [
        '-r',
        file,
        '-T',
        'fields',
        '-E',
        'separator=\t',
        '-E',
        'occurrence=a',
        ...fields.flatMap((f) => ['-e', f]),
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    return output
      .trimEnd()
      .split('\n')
      .map((line) => {
        const values = line.split('\t');
        return Object.fromEntries(fields.map((field, index) => [field, values[index] ?? ''])) as Record<
          F,
          string
        >;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
