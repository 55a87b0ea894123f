// Lookups by namespace and name as two levels of maps, not one map keyed by
// "namespace/name": the names are the objects' own strings, where a joined key
// is a new string per object and per index. At 10,000 volumes the snapshot's
// indexes made 60,000 such keys on every audit, 8 MiB of serve's peak heap.
// A missing namespace or name is "", as keyOf() has it.

export class ByNamespace<T> {
  private readonly namespaces = new Map<string, Map<string, T>>();

  get(namespace: string | undefined, name: string | undefined): T | undefined {
    return this.namespaces.get(namespace ?? '')?.get(name ?? '');
  }

  set(namespace: string | undefined, name: string | undefined, value: T): void {
    const ns = namespace ?? '';
    let names = this.namespaces.get(ns);
    if (!names) this.namespaces.set(ns, (names = new Map()));
    names.set(name ?? '', value);
  }
}

/** Each item under its namespace and name (the last of equal ones wins); items without a key are left out. */
export function indexByNamespace<T>(items: T[], key: (item: T) => [string | undefined, string | undefined] | undefined): ByNamespace<T> {
  const index = new ByNamespace<T>();
  for (const item of items) {
    const k = key(item);
    if (k) index.set(k[0], k[1], item);
  }
  return index;
}

/** The item added to the group under its namespace and name, after those already there. */
export function addToGroup<T>(groups: ByNamespace<T[]>, namespace: string | undefined, name: string | undefined, item: T): void {
  const list = groups.get(namespace, name);
  if (list) list.push(item);
  else groups.set(namespace, name, [item]);
}

/** The items under each namespace and name, in their order; items without a key are left out. */
export function groupByNamespace<T>(items: T[], key: (item: T) => [string | undefined, string | undefined] | undefined): ByNamespace<T[]> {
  const index = new ByNamespace<T[]>();
  for (const item of items) {
    const k = key(item);
    if (k) addToGroup(index, k[0], k[1], item);
  }
  return index;
}
