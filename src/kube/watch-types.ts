// What a list-then-watch reads: a collection at a resourceVersion, then the
// watch's event lines from it (the API server's watch.Event JSON).

export interface CollectionRead<T> {
  items: T[];
  resourceVersion: string;
}

/** One line of a watch stream; an ERROR carries a Status (code 410: the resourceVersion is too old). */
export interface WatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; namespace?: string; resourceVersion?: string }; code?: number; message?: string; [k: string]: unknown };
}
