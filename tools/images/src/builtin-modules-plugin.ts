/**
 * A rolldown plugin for the apps' bundles (app-bundle-config.ts): each `import … from 'node:x'`
 * statement reads the built-in module with `process.getBuiltinModule` instead of importing it as
 * an ES module. Importing a built-in builds its module namespace, and that calls every lazy getter
 * on the module object: `node:http` then loads Node's internal undici (for `http.WebSocket` and
 * friends), `node:crypto` WebCrypto, `node:fs` and `node:util` a few dozen internal modules;
 * `node:http` and `node:crypto` alone cost 10.7 MiB of RSS that way (Node 24.21, measured against
 * `getBuiltinModule`).
 *
 * The stand-in module exports the module object as default and each of its data properties by
 * name, read once when the bundle starts (what an ES import would give too); a getter is not
 * exported, so importing one by name fails the build instead of running it. `require()` calls in
 * bundled CommonJS are left alone: they never built a namespace.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'rolldown';

const virtualPrefix = '\0builtin-module:';
const identifier = /^[A-Za-z_$][\w$]*$/;

/** `node:http` or `http` → `node:http`; anything else → undefined. */
export function builtinSpecifier(id: string): string | undefined {
  const name = id.startsWith('node:') ? id.slice('node:'.length) : id;
  return builtinModules.includes(name) || builtinModules.includes(`node:${name}`)
    ? `node:${name}`
    : undefined;
}

/** The names of `module`'s own data properties that can be exported as `const` bindings. */
export function exportableNames(module: object): string[] {
  return Object.entries(Object.getOwnPropertyDescriptors(module))
    .filter(([name, d]) => 'value' in d && name !== 'default' && identifier.test(name) && isBindable(name))
    .map(([name]) => name)
    .sort();
}

/** The stand-in module's source for built-in `specifier` (`node:http`). */
export function renderBuiltinModule(specifier: string): string {
  const names = exportableNames(process.getBuiltinModule(specifier) as object);
  const lookup = `process.getBuiltinModule(${JSON.stringify(specifier)})`;
  return [
    `const builtin = ${lookup};`,
    'export default builtin;',
    names.length > 0 ? `export const { ${names.join(', ')} } = builtin;` : '',
    '',
  ].join('\n');
}

export function builtinModulesPlugin(): Plugin {
  return {
    name: 'baremetal-lb:builtin-modules',
    resolveId(id, _importer, extra) {
      if (extra.kind !== 'import-statement') return null;
      const specifier = builtinSpecifier(id);
      return specifier === undefined ? null : `${virtualPrefix}${specifier}`;
    },
    load(id) {
      if (!id.startsWith(virtualPrefix)) return null;
      // Free of side effects: an import whose bindings all went unused (tree-shaken) is dropped
      // instead of still reading the built-in at start-up.
      return { code: renderBuiltinModule(id.slice(virtualPrefix.length)), moduleSideEffects: false };
    },
    // Each stand-in is a chunk of its own: it imports nothing, so it can never be part of an
    // import cycle between chunks (left to the default splitting, rolldown's runtime chunk and
    // a shared chunk imported each other and one read a binding before it was initialised), and
    // a built-in that only a lazily loaded chunk uses (client-node's child_process, say) is read
    // only when that chunk loads (one shared chunk of stand-ins loaded them all at start-up).
    outputOptions(options) {
      return {
        ...options,
        codeSplitting: { groups: [{ name: builtinChunkName, debugName: 'node-builtins' }] },
      };
    },
  };
}

/** `node-http` for the stand-in of `node:http`; null for every other module. */
export function builtinChunkName(moduleId: string): string | null {
  if (!moduleId.startsWith(virtualPrefix)) return null;
  return moduleId.slice(virtualPrefix.length).replace(/[^A-Za-z0-9]+/g, '-');
}

/** Whether `name` may be declared as a binding (reserved words such as `delete` may not). */
function isBindable(name: string): boolean {
  try {
    new Function(`let ${name};`);
    return true;
  } catch {
    return false;
  }
}
