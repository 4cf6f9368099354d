/**
 * Renders a Helm chart to Kubernetes objects: with `helm template` when helm is on PATH, otherwise
 * with the built-in renderer, which implements only the Go-template subset this repository's
 * chart uses and fails on anything else (see parse-go-template.ts). Both include the CRDs.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { TemplateError } from '../lab-error.ts';
import { hasCommand } from '../prerequisites.ts';
import { runCommand } from '../run-command.ts';
import { type KubeObject, parseManifests } from './kube-manifest.ts';
import { renderGoTemplate, type TemplateFunctions } from './render-go-template.ts';

export const ChartRenderer = { helm: 'helm', builtIn: 'built-in' } as const;
export type ChartRenderer = (typeof ChartRenderer)[keyof typeof ChartRenderer];

export type RenderChartOptions = {
  readonly chartDir: string;
  readonly releaseName: string;
  readonly namespace: string;
  /** Merged over the chart's values.yaml, like `helm template -f`. */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Default: helm when on PATH, else built-in. */
  readonly renderer?: ChartRenderer;
  /** Built-in renderer only: what `lookup` returns (default: an empty map, as in `helm template`). */
  readonly functions?: TemplateFunctions;
};

export type RenderedChart = { readonly renderer: ChartRenderer; readonly objects: KubeObject[] };

export async function renderChart(options: RenderChartOptions): Promise<RenderedChart> {
  const renderer = options.renderer ?? (hasCommand('helm') ? ChartRenderer.helm : ChartRenderer.builtIn);
  const objects =
    renderer === ChartRenderer.helm ? await renderWithHelm(options) : await renderBuiltIn(options);
  return { renderer, objects };
}

async function renderWithHelm(options: RenderChartOptions): Promise<KubeObject[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'bmlb-helm-'));
  try {
    const valuesFile = path.join(dir, 'values.yaml');
    await writeFile(valuesFile, stringify(options.values ?? {}));
    const { stdout } = await runCommand('helm', [
      'template',
      options.releaseName,
      options.chartDir,
      '--namespace',
      options.namespace,
      '--include-crds',
      '--values',
      valuesFile,
    ]);
    return parseManifests(stdout, 'helm template');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Helm's value coalescing: maps merge key by key, anything else replaces. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = mergeValues(base[key], value);
  return merged;
}

/** Chart.yaml fields as templates see them (`.Chart.AppVersion`). */
function chartObject(chartYaml: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(chartYaml).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), v]),
  );
}

/**
 * `.Files.Get`: a file of the chart outside templates/ (symbolic links followed, as Helm does).
 * Helm returns "" for a missing file; this renderer fails instead, so a typo cannot silently
 * drop objects.
 */
function readChartFile(chartDir: string, file: string): string {
  const resolved = path.resolve(chartDir, file);
  const relative = path.relative(chartDir, resolved);
  if (relative.startsWith('..') || path.isAbsolute(relative) || relative.split(path.sep)[0] === 'templates') {
    throw new TemplateError(
      'ERR_TEMPLATE_EXEC',
      '.Files.Get',
      file,
      'only files inside the chart, outside templates/',
    );
  }
  try {
    return readFileSync(resolved, 'utf8');
  } catch {
    throw new TemplateError('ERR_TEMPLATE_EXEC', '.Files.Get', file, 'no such file in the chart');
  }
}

async function yamlFiles(dir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  return names.filter((n) => /\.ya?ml$/.test(n)).sort();
}

async function renderBuiltIn(options: RenderChartOptions): Promise<KubeObject[]> {
  const { chartDir } = options;
  const chartYaml = parse(await readFile(path.join(chartDir, 'Chart.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  if (chartYaml.dependencies !== undefined || (await readdir(chartDir)).includes('charts')) {
    throw new TemplateError(
      'ERR_TEMPLATE_UNSUPPORTED',
      'Chart.yaml',
      'dependencies',
      'subcharts are not supported',
    );
  }
  const defaults: unknown = parse(await readFile(path.join(chartDir, 'values.yaml'), 'utf8'));
  const data = {
    Values: mergeValues(defaults ?? {}, options.values ?? {}),
    Release: {
      Name: options.releaseName,
      Namespace: options.namespace,
      Service: 'Helm',
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: chartObject(chartYaml),
    Files: { Get: (file: unknown) => readChartFile(chartDir, String(file)) },
  };

  const objects: KubeObject[] = [];
  // CRDs are never templated (Helm installs crds/ verbatim, before the templates).
  for (const name of await yamlFiles(path.join(chartDir, 'crds'))) {
    objects.push(
      ...parseManifests(await readFile(path.join(chartDir, 'crds', name), 'utf8'), `crds/${name}`),
    );
  }
  const templatesDir = path.join(chartDir, 'templates');
  for (const name of (await readdir(templatesDir)).sort()) {
    if (name === 'NOTES.txt') continue;
    if (name.startsWith('_') || !/\.ya?ml$/.test(name)) {
      throw new TemplateError(
        'ERR_TEMPLATE_UNSUPPORTED',
        `templates/${name}`,
        name,
        'partials and non-YAML templates are not supported',
      );
    }
    const text = await readFile(path.join(templatesDir, name), 'utf8');
    const rendered = renderGoTemplate(`templates/${name}`, text, data, options.functions);
    objects.push(...parseManifests(rendered, `templates/${name}`));
  }
  return objects;
}
