import { describe, expect, it } from 'vitest';
import { TemplateError } from '../lab-error.ts';
import { isTruthy, renderGoTemplate } from './render-go-template.ts';

const render = (text: string, data: unknown = {}) => renderGoTemplate('t.yaml', text, data);
const failure = (text: string, data: unknown = {}) => {
  try {
    render(text, data);
  } catch (error) {
    return error;
  }
  throw new Error(`rendered without error: ${text}`);
};

describe('renderGoTemplate (the chart subset of Go text/template)', () => {
  it('prints fields, literals and missing final keys as empty', () => {
    expect(render('a={{ .x.y }} b={{ "s" }} c={{ 3 }} d={{ .missing }}.', { x: { y: 'v' } })).toBe(
      'a=v b=s c=3 d=.',
    );
  });

  it('trims whitespace on the marked side only', () => {
    expect(render('a\n  {{- .x }}\nb', { x: 1 })).toBe('a1\nb');
    expect(render('a {{ .x -}}\n\n  b', { x: 1 })).toBe('a 1b');
    expect(render('a {{/* note */}} b')).toBe('a  b');
  });

  it('follows Go truthiness in if/else', () => {
    for (const [value, truthy] of [
      [0, false],
      ['', false],
      [[], false],
      [{}, false],
      [null, false],
      [1, true],
      ['x', true],
      [[0], true],
      [{ a: 1 }, true],
    ] as const) {
      expect(isTruthy(value)).toBe(truthy);
      expect(render('{{ if .v }}yes{{ else }}no{{ end }}', { v: value })).toBe(truthy ? 'yes' : 'no');
    }
  });

  it('rebinds dot in range and with, keeps $ as the root, scopes variables', () => {
    const data = { items: [{ n: 'a' }, { n: 'b' }], ns: 'x', w: { k: 'v' } };
    expect(render('{{ range .items }}{{ .n }}@{{ $.ns }};{{ end }}', data)).toBe('a@x;b@x;');
    expect(render('{{ range $i := .items }}{{ $i.n }}{{ end }}', data)).toBe('ab');
    expect(render('{{ range .none }}x{{ else }}empty{{ end }}', data)).toBe('empty');
    expect(render('{{ with .w }}{{ .k }}{{ end }}', data)).toBe('v');
    expect(render('{{ $a := .ns }}{{ if true }}{{ $b := "in" }}{{ $b }}{{ end }}{{ $a }}', data)).toBe('inx');
    expect(failure('{{ if true }}{{ $b := 1 }}{{ end }}{{ $b }}')).toMatchObject({
      code: 'ERR_TEMPLATE_EXEC',
    });
  });

  it('implements the Helm functions the chart uses', () => {
    expect(render('{{ .v | quote }}', { v: 7472 })).toBe('"7472"');
    expect(render('{{ .t | default "d" }}|{{ .u | default "d" }}', { t: '', u: 'u' })).toBe('d|u');
    expect(render('x:{{- toYaml .m | nindent 2 }}', { m: { a: [1, 2] } })).toBe('x:\n  a:\n    - 1\n    - 2');
    expect(render('{{ "hi" | b64enc }}')).toBe('aGk=');
    expect(render('{{ randAlphaNum 12 }}')).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(render('{{ index .m "k" }}', { m: { k: 'v' } })).toBe('v');
    expect(render('{{ $s := lookup "v1" "Secret" "ns" "n" }}{{ if $s }}found{{ else }}none{{ end }}')).toBe(
      'none',
    );
    expect(render('{{ printf "ns: %s, %d%%" .n 5 }}', { n: 'x' })).toBe('ns: x, 5%');
    expect(render('{{ "a-b-a" | replace "a" "c" }}')).toBe('c-b-c');
  });

  it('calls methods of the data with arguments, like .Files.Get', () => {
    const data = { Files: { Get: (name: string) => `content of ${name}` }, n: 'ns' };
    expect(render('{{ $l := printf "at %s" .n }}{{ .Files.Get "f.yaml" | replace "of" $l }}', data)).toBe(
      'content at ns f.yaml',
    );
  });

  it.each([
    ['{{ define "x" }}a{{ end }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ include "x" . }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ template "x" }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ if .a }}x{{ else if .b }}y{{ end }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ (default "a" .b) }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ `raw` }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ range $i, $v := .l }}{{ end }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ if false }}{{ upper "x" }}{{ end }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ .a | toJson }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ if .a }}never closed', 'ERR_TEMPLATE_SYNTAX'],
    ['{{ end }}', 'ERR_TEMPLATE_SYNTAX'],
    ['{{ .a', 'ERR_TEMPLATE_SYNTAX'],
    ['{{ .a.b.c }}', 'ERR_TEMPLATE_EXEC'],
    ['{{ .m }}', 'ERR_TEMPLATE_EXEC'],
    ['{{ range .m }}{{ end }}', 'ERR_TEMPLATE_EXEC'],
    ['{{ nindent 2 }}', 'ERR_TEMPLATE_EXEC'],
    ['{{ printf "%q" .m }}', 'ERR_TEMPLATE_UNSUPPORTED'],
    ['{{ .m.k "arg" }}', 'ERR_TEMPLATE_EXEC'],
  ])('fails on %s with %s instead of guessing', (text, code) => {
    const error = failure(text, { m: { k: 1 } });
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({ code, template: 't.yaml' });
  });
});
