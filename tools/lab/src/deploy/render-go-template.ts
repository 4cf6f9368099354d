/**
 * Executes a template parsed by parseGoTemplate with Go text/template semantics for the supported
 * subset (truthiness, dot rebinding in range/with, variable scopes) and the few Helm functions the
 * chart uses. A function outside that list fails before anything is rendered.
 */
import { randomInt } from 'node:crypto';
import { stringify } from 'yaml';
import { TemplateError } from '../lab-error.ts';
import {
  type Command,
  type Operand,
  type Pipeline,
  parseGoTemplate,
  type TemplateNode,
} from './parse-go-template.ts';

export type TemplateFunctions = {
  /** Helm's `lookup`; `helm template` has no cluster and returns an empty map, so does the default. */
  readonly lookup?: (apiVersion: string, kind: string, namespace: string, name: string) => unknown;
};

type Scope = { readonly vars: Map<string, unknown>; readonly parent: Scope | undefined };

const alphaNum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Go's notion of "empty": false, 0, nil, and empty strings, lists and maps. */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function indentLines(spaces: unknown, text: unknown): string {
  const pad = ' '.repeat(Number(spaces));
  return pad + String(text).replace(/\n/g, `\n${pad}`);
}

type Fn = (template: string, args: unknown[]) => unknown;

function builtins(functions: TemplateFunctions): Record<string, { arity: [number, number]; fn: Fn }> {
  return {
    toYaml: { arity: [1, 1], fn: (_, [v]) => (v === undefined ? 'null' : stringify(v).replace(/\n$/, '')) },
    nindent: { arity: [2, 2], fn: (_, [n, s]) => `\n${indentLines(n, s)}` },
    indent: { arity: [2, 2], fn: (_, [n, s]) => indentLines(n, s) },
    quote: {
      arity: [1, 16],
      fn: (_, args) =>
        args
          .filter((a) => a !== undefined && a !== null)
          .map((a) => JSON.stringify(String(a)))
          .join(' '),
    },
    default: { arity: [1, 2], fn: (_, [fallback, given]) => (isTruthy(given) ? given : fallback) },
    b64enc: { arity: [1, 1], fn: (_, [s]) => Buffer.from(String(s), 'utf8').toString('base64') },
    randAlphaNum: {
      arity: [1, 1],
      fn: (_, [n]) => Array.from({ length: Number(n) }, () => alphaNum[randomInt(alphaNum.length)]).join(''),
    },
    lookup: {
      arity: [4, 4],
      fn: (_, [apiVersion, kind, namespace, name]) =>
        functions.lookup?.(String(apiVersion), String(kind), String(namespace), String(name)) ?? {},
    },
    replace: {
      arity: [3, 3],
      fn: (_, [from, to, text]) => String(text).split(String(from)).join(String(to)),
    },
    printf: {
      arity: [1, 16],
      fn: (template, [format, ...args]) => {
        let next = 0;
        return String(format).replace(/%(.)/g, (verb, letter: string) => {
          if (letter === '%') return '%';
          if (letter !== 's' && letter !== 'd' && letter !== 'v') {
            throw new TemplateError(
              'ERR_TEMPLATE_UNSUPPORTED',
              template,
              verb,
              `printf verb "${verb}" is not supported`,
            );
          }
          if (next >= args.length)
            throw new TemplateError('ERR_TEMPLATE_EXEC', template, verb, 'printf: missing argument');
          return String(args[next++]);
        });
      },
    },
    index: {
      arity: [2, 16],
      fn: (template, [collection, ...keys]) => {
        let current = collection;
        for (const key of keys) {
          if (Array.isArray(current)) current = current[Number(key)];
          else if (isMap(current))
            current = Object.hasOwn(current, String(key)) ? current[String(key)] : undefined;
          else if (current === undefined || current === null) return undefined;
          else
            throw new TemplateError(
              'ERR_TEMPLATE_EXEC',
              template,
              'index',
              `cannot index a ${typeof current}`,
            );
        }
        return current;
      },
    },
  };
}

function checkFunctions(
  template: string,
  nodes: readonly TemplateNode[],
  known: Record<string, unknown>,
): void {
  for (const node of nodes) {
    if (node.kind === 'text') continue;
    for (const command of node.pipeline.commands) {
      if (command.kind === 'call' && !Object.hasOwn(known, command.name)) {
        throw new TemplateError(
          'ERR_TEMPLATE_UNSUPPORTED',
          template,
          node.pipeline.source,
          `function "${command.name}" is not supported`,
        );
      }
    }
    if (node.kind === 'if' || node.kind === 'range' || node.kind === 'with') {
      checkFunctions(template, node.body, known);
      checkFunctions(template, node.otherwise, known);
    }
  }
}

/** Renders Go-template `text` named `template` with `data` as dot and `$`. */
export function renderGoTemplate(
  template: string,
  text: string,
  data: unknown,
  functions: TemplateFunctions = {},
): string {
  const nodes = parseGoTemplate(template, text);
  const table = builtins(functions);
  checkFunctions(template, nodes, table);
  const fail = (source: string, problem: string): never => {
    throw new TemplateError('ERR_TEMPLATE_EXEC', template, source, problem);
  };

  const lookupVariable = (scope: Scope | undefined, name: string, source: string): unknown => {
    for (let s = scope; s !== undefined; s = s.parent) if (s.vars.has(name)) return s.vars.get(name);
    return fail(source, `undefined variable "${name}"`);
  };
  const resolve = (operand: Operand, dot: unknown, scope: Scope, source: string): unknown => {
    if (operand.kind === 'literal') return operand.value;
    let current = operand.base === '.' ? dot : lookupVariable(scope, operand.base, source);
    for (const [i, key] of operand.path.entries()) {
      if (current === undefined || current === null) {
        fail(source, `nil pointer evaluating ".${operand.path.slice(0, i).join('.')}" for ".${key}"`);
      }
      if (!isMap(current))
        fail(source, `cannot read field "${key}" of a ${Array.isArray(current) ? 'list' : typeof current}`);
      const map = current as Record<string, unknown>;
      current = Object.hasOwn(map, key) ? map[key] : undefined;
    }
    return current;
  };
  const run = (command: Command, dot: unknown, scope: Scope, source: string, piped: unknown[]): unknown => {
    if (command.kind === 'operand') {
      if (piped.length > 0) fail(source, 'a value cannot take piped input');
      return resolve(command.operand, dot, scope, source);
    }
    if (command.kind === 'invoke') {
      const method = resolve(command.operand, dot, scope, source);
      if (typeof method !== 'function')
        return fail(source, 'arguments given to something that is not a method');
      const args = [...command.args.map((a) => resolve(a, dot, scope, source)), ...piped];
      return (method as (...a: unknown[]) => unknown)(...args);
    }
    const entry = table[command.name]!;
    const args = [...command.args.map((a) => resolve(a, dot, scope, source)), ...piped];
    if (args.length < entry.arity[0] || args.length > entry.arity[1]) {
      fail(source, `"${command.name}" takes ${entry.arity.join('..')} arguments, got ${args.length}`);
    }
    return entry.fn(template, args);
  };
  const evaluate = (pipeline: Pipeline, dot: unknown, scope: Scope): unknown => {
    let value: unknown;
    for (const [i, command] of pipeline.commands.entries()) {
      value = run(command, dot, scope, pipeline.source, i === 0 ? [] : [value]);
    }
    return value;
  };
  const print = (value: unknown, source: string): string => {
    if (value === undefined || value === null) return '';
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return String(value);
    return fail(source, 'printing a list or map (use toYaml)');
  };

  const execute = (list: readonly TemplateNode[], dot: unknown, parent: Scope): string => {
    const scope: Scope = { vars: new Map(), parent };
    let out = '';
    for (const node of list) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'output')
        out += print(evaluate(node.pipeline, dot, scope), node.pipeline.source);
      else if (node.kind === 'assign')
        scope.vars.set(node.pipeline.declare!, evaluate(node.pipeline, dot, scope));
      else {
        const value = evaluate(node.pipeline, dot, scope);
        if (node.kind === 'if') out += execute(isTruthy(value) ? node.body : node.otherwise, dot, scope);
        else if (node.kind === 'with')
          out += isTruthy(value) ? execute(node.body, value, scope) : execute(node.otherwise, dot, scope);
        else {
          if (value !== undefined && value !== null && !Array.isArray(value)) {
            fail(node.pipeline.source, 'range over anything but a list');
          }
          const items = (value ?? []) as unknown[];
          if (items.length === 0) out += execute(node.otherwise, dot, scope);
          for (const item of items) {
            const inner: Scope = { vars: new Map(), parent: scope };
            if (node.pipeline.declare !== undefined) inner.vars.set(node.pipeline.declare, item);
            out += execute(node.body, item, inner);
          }
        }
      }
    }
    return out;
  };
  return execute(nodes, data, { vars: new Map([['$', data]]), parent: undefined });
}
