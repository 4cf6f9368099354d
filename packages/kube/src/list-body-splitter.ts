/** The list's own metadata, what is left of a List body once its items are taken out. */
export type ListMeta = { readonly resourceVersion: string; readonly continue: string };

const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const quote = 0x22;
const backslash = 0x5c;
const itemsKey = /"items"\s*:\s*$/;

/**
 * Splits a Kubernetes List body (`{"metadata":{...},"items":[{...},{...}]}`) as it streams in:
 * each item is parsed and handed to `onItem` as soon as its closing brace arrives, so a page of
 * thousands of objects never sits in memory as one string (only one item's text at a time).
 * `end()` parses the rest (everything but the items) for the list's resourceVersion and
 * continue token.
 */
export class ListBodySplitter {
  readonly #onItem: (item: unknown) => void;
  #outside = '';
  #item = '';
  #depth = 0;
  #inString = false;
  #escaped = false;
  #inItems = false;
  #itemStart = -1;

  constructor(onItem: (item: unknown) => void) {
    this.#onItem = onItem;
  }

  write(chunk: string): void {
    let outsideFrom = this.#itemStart >= 0 ? -1 : 0;
    let itemFrom = this.#itemStart >= 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === backslash) this.#escaped = true;
        else if (c === quote) this.#inString = false;
        continue;
      }
      if (c === quote) {
        this.#inString = true;
      } else if (c === openBrace || c === openBracket) {
        if (this.#inItems && this.#depth === 2 && c === openBrace) {
          // An item starts: what came before it belongs to the outside text, minus separators.
          if (outsideFrom >= 0) this.#outside += chunk.slice(outsideFrom, i);
          this.#outside = this.#outside.replace(/[\s,]+$/, '');
          outsideFrom = -1;
          itemFrom = i;
          this.#itemStart = i;
        } else if (this.#depth === 1 && c === openBracket && outsideFrom >= 0) {
          this.#inItems = itemsKey.test(this.#outside + chunk.slice(outsideFrom, i));
        }
        this.#depth++;
      } else if (c === closeBrace || c === closeBracket) {
        this.#depth--;
        if (this.#itemStart >= 0 && this.#depth === 2) {
          this.#item += chunk.slice(itemFrom, i + 1);
          this.#onItem(JSON.parse(this.#item));
          this.#item = '';
          this.#itemStart = -1;
          itemFrom = -1;
          outsideFrom = i + 1;
        } else if (this.#inItems && this.#depth === 1) {
          this.#inItems = false;
        }
      }
    }
    if (itemFrom >= 0) this.#item += chunk.slice(itemFrom);
    else if (outsideFrom >= 0) this.#outside += chunk.slice(outsideFrom);
  }

  /** The list metadata; throws a SyntaxError for a body that is not a complete JSON object. */
  end(): ListMeta {
    if (this.#itemStart >= 0 || this.#depth !== 0) throw new SyntaxError('truncated List body');
    const rest = JSON.parse(this.#outside) as { metadata?: { resourceVersion?: string; continue?: string } };
    return { resourceVersion: rest.metadata?.resourceVersion ?? '', continue: rest.metadata?.continue ?? '' };
  }
}
