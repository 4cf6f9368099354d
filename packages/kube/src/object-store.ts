/** Read access to an informer cache (client-node's ListWatch implements it). */
export interface ObjectStore<T> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
}

/** An ObjectStore over a Map, for unit tests and the in-memory harness. */
export class MapStore<T extends { metadata: { name: string; namespace?: string } }>
  implements ObjectStore<T>
{
  readonly #items = new Map<string, T>();

  get(name: string, namespace?: string): T | undefined {
    return this.#items.get(`${namespace ?? ''}/${name}`);
  }

  list(namespace?: string): ReadonlyArray<T> {
    const all = [...this.#items.values()];
    return namespace ? all.filter((item) => item.metadata.namespace === namespace) : all;
  }

  set(item: T): void {
    this.#items.set(`${item.metadata.namespace ?? ''}/${item.metadata.name}`, item);
  }

  delete(item: T): void {
    this.#items.delete(`${item.metadata.namespace ?? ''}/${item.metadata.name}`);
  }
}
