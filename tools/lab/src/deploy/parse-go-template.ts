/**
 * Parser for the small subset of Go text/template that deploy/helm/baremetal-lb uses, for machines
 * without `helm`. Deliberately tiny: `{{ }}` actions with `-` trim markers and comments; `if`/`else`,
 * `range` (optionally `range $v := ...`), `with`, `end`; `$v := pipeline`; pipelines of field
 * paths (`.a.b`, `$.a`, `$v.a`), string/number/bool literals and function calls joined by `|`.
 * Everything else (`define`, `include`, `template`, `else if`, parentheses, raw strings, `$i, $v`
 * ranges, ...) is rejected with ERR_TEMPLATE_UNSUPPORTED, never guessed.
 */
import { TemplateError } from '../lab-error.ts';

export type Operand =
  | { readonly kind: 'field'; readonly base: string; readonly path: readonly string[] }
  | { readonly kind: 'literal'; readonly value: string | number | boolean };

export type Command =
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Operand[] }
  /** A method of the data, called with arguments: `.Files.Get "path"`. */
  | { readonly kind: 'invoke'; readonly operand: Operand; readonly args: readonly Operand[] }
  | { readonly kind: 'operand'; readonly operand: Operand };

export type Pipeline = {
  readonly source: string;
  /** `$name := ...`: the variable it declares. */
  readonly declare: string | undefined;
  readonly commands: readonly Command[];
};

export type TemplateNode =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'output'; readonly pipeline: Pipeline }
  | { readonly kind: 'assign'; readonly pipeline: Pipeline }
  | {
      readonly kind: 'if' | 'range' | 'with';
      readonly pipeline: Pipeline;
      readonly body: readonly TemplateNode[];
      readonly otherwise: readonly TemplateNode[];
    };

/** Base of a field operand: '.' (dot), '$' (root) or '$name'. */
const tokenPattern =
  /\s+|("(?:[^"\\\n]|\\.)*")|(\|)|(:=)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|((?:\.[A-Za-z0-9_]+)+|\.)|(-?\d+(?:\.\d+)?)(?![A-Za-z_])|([A-Za-z_][A-Za-z0-9_]*)/y;

type Token =
  | { kind: 'string'; text: string }
  | { kind: 'pipe' | 'declare'; text: string }
  | { kind: 'variable' | 'field' | 'number' | 'ident'; text: string };

function tokenize(template: string, source: string): Token[] {
  const tokens: Token[] = [];
  tokenPattern.lastIndex = 0;
  while (tokenPattern.lastIndex < source.length) {
    const at = tokenPattern.lastIndex;
    const m = tokenPattern.exec(source);
    if (m === null) {
      throw new TemplateError(
        'ERR_TEMPLATE_UNSUPPORTED',
        template,
        source,
        `"${source.slice(at, at + 10)}" is outside the supported template subset`,
      );
    }
    const [, str, pipe, declare, variable, field, number, ident] = m;
    if (str !== undefined) tokens.push({ kind: 'string', text: str });
    else if (pipe !== undefined) tokens.push({ kind: 'pipe', text: pipe });
    else if (declare !== undefined) tokens.push({ kind: 'declare', text: declare });
    else if (variable !== undefined) tokens.push({ kind: 'variable', text: variable });
    else if (field !== undefined) tokens.push({ kind: 'field', text: field });
    else if (number !== undefined) tokens.push({ kind: 'number', text: number });
    else if (ident !== undefined) tokens.push({ kind: 'ident', text: ident });
  }
  return tokens;
}

function toOperand(template: string, source: string, token: Token): Operand {
  switch (token.kind) {
    case 'string':
      return { kind: 'literal', value: JSON.parse(token.text) as string };
    case 'number':
      return { kind: 'literal', value: Number(token.text) };
    case 'field':
      return { kind: 'field', base: '.', path: token.text === '.' ? [] : token.text.slice(1).split('.') };
    case 'variable': {
      const [base = '$', ...path] = token.text.split('.');
      return { kind: 'field', base, path };
    }
    case 'ident':
      if (token.text === 'true' || token.text === 'false')
        return { kind: 'literal', value: token.text === 'true' };
      break;
  }
  throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, `unexpected "${token.text}"`);
}

export function parsePipeline(template: string, source: string): Pipeline {
  let tokens = tokenize(template, source);
  let declare: string | undefined;
  if (tokens[1]?.kind === 'declare') {
    const variable = tokens[0];
    if (variable?.kind !== 'variable' || variable.text.includes('.') || variable.text === '$') {
      throw new TemplateError(
        'ERR_TEMPLATE_UNSUPPORTED',
        template,
        source,
        'only "$name := pipeline" declares',
      );
    }
    declare = variable.text;
    tokens = tokens.slice(2);
  }
  const commands: Command[] = [];
  let current: Token[] = [];
  const flush = () => {
    const [first, ...rest] = current;
    if (first === undefined)
      throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, 'empty command');
    if (first.kind === 'ident' && first.text !== 'true' && first.text !== 'false') {
      commands.push({
        kind: 'call',
        name: first.text,
        args: rest.map((t) => toOperand(template, source, t)),
      });
    } else if (rest.length === 0) {
      commands.push({ kind: 'operand', operand: toOperand(template, source, first) });
    } else if (first.kind === 'field' || first.kind === 'variable') {
      const operand = toOperand(template, source, first);
      commands.push({ kind: 'invoke', operand, args: rest.map((t) => toOperand(template, source, t)) });
    } else {
      throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, `"${first.text}" takes no arguments`);
    }
    current = [];
  };
  for (const token of tokens) {
    if (token.kind === 'declare')
      throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, 'misplaced ":="');
    if (token.kind === 'pipe') flush();
    else current.push(token);
  }
  flush();
  return { source, declare, commands };
}

type Action = { readonly source: string; readonly keyword: string; readonly rest: string };

/** Splits into text and actions, applying the `{{-` / `-}}` whitespace trimming. */
function scan(template: string, text: string): (string | Action)[] {
  const items: (string | Action)[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos <= text.length) {
    const open = text.indexOf('{{', pos);
    let chunk = text.slice(pos, open === -1 ? text.length : open);
    if (trimNext) chunk = chunk.replace(/^\s+/, '');
    if (open === -1) {
      items.push(chunk);
      break;
    }
    const close = text.indexOf('}}', open + 2);
    if (close === -1)
      throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, text.slice(open, open + 20), 'unclosed "{{"');
    let inner = text.slice(open + 2, close);
    if (/^-\s/.test(inner)) {
      chunk = chunk.replace(/\s+$/, '');
      inner = inner.slice(1);
    }
    trimNext = /\s-$/.test(inner);
    if (trimNext) inner = inner.slice(0, -1);
    items.push(chunk);
    inner = inner.trim();
    if (!(inner.startsWith('/*') && inner.endsWith('*/'))) {
      const [keyword = '', ...rest] = inner.split(/\s+/);
      items.push({ source: inner, keyword, rest: rest.join(' ') });
    }
    pos = close + 2;
  }
  return items;
}

const unsupportedKeywords = new Set(['define', 'template', 'block', 'break', 'continue', 'include', 'tpl']);

/** Parses `text` into a tree; `template` names it in errors. */
export function parseGoTemplate(template: string, text: string): TemplateNode[] {
  const items = scan(template, text);
  let index = 0;
  const parseList = (closers: readonly string[]): { nodes: TemplateNode[]; closer: string } => {
    const nodes: TemplateNode[] = [];
    while (index < items.length) {
      const item = items[index++]!;
      if (typeof item === 'string') {
        if (item !== '') nodes.push({ kind: 'text', text: item });
        continue;
      }
      const { keyword, rest, source } = item;
      if (closers.includes(keyword)) {
        if (keyword === 'else' && rest !== '') {
          throw new TemplateError(
            'ERR_TEMPLATE_UNSUPPORTED',
            template,
            source,
            '"else if"/"else with" chains',
          );
        }
        if (keyword !== 'else' && rest !== '')
          throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, 'junk after end');
        return { nodes, closer: keyword };
      }
      if (keyword === 'if' || keyword === 'range' || keyword === 'with') {
        const pipeline = parsePipeline(template, rest);
        if (pipeline.declare !== undefined && keyword !== 'range') {
          throw new TemplateError('ERR_TEMPLATE_UNSUPPORTED', template, source, `a variable in "${keyword}"`);
        }
        const body = parseList(['else', 'end']);
        const otherwise = body.closer === 'else' ? parseList(['end']).nodes : [];
        nodes.push({ kind: keyword, pipeline, body: body.nodes, otherwise });
      } else if (keyword === 'else' || keyword === 'end') {
        throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, source, `unexpected "${keyword}"`);
      } else if (unsupportedKeywords.has(keyword)) {
        throw new TemplateError(
          'ERR_TEMPLATE_UNSUPPORTED',
          template,
          source,
          `"${keyword}" is not supported`,
        );
      } else {
        const pipeline = parsePipeline(template, source);
        nodes.push(
          pipeline.declare === undefined ? { kind: 'output', pipeline } : { kind: 'assign', pipeline },
        );
      }
    }
    if (closers.length > 0)
      throw new TemplateError('ERR_TEMPLATE_SYNTAX', template, closers.join('/'), 'missing "end"');
    return { nodes, closer: '' };
  };
  return parseList([]).nodes;
}
