// What the audit, the planners and `show` may do with the cluster: read.
// Only fixes/apply-plan.ts (and the permission check it runs) holds the
// KubeClient that writes; the import-boundary lint (.dependency-cruiser.cjs)
// keeps every other module on this type.

import type { CollectionRead, WatchEvent } from './watch-types.js';

export interface ReadOptions {
  query?: Record<string, string | number | boolean | undefined>;
}

export interface ReadListOptions<T> {
  limit?: number;
  labelSelector?: string;
  fieldSelector?: string;
  map?: (item: T) => T;
}

/** What the API server answered to a dry-run apply: nothing is stored either way. */
export interface ApplyJudgement {
  /** absent when the server accepts the object */
  refusal?: { status: number; message: string; fields: string[] };
  /** its Warning headers (unknown fields, deprecations) */
  warnings: string[];
}

export interface AccessAttributes {
  verb: string;
  /** '' for the core group */
  group: string;
  resource: string;
  namespace?: string;
}

export interface ReadClient {
  readonly server: string;
  readonly user: string;
  readonly namespace: string;
  /** GET one object or endpoint */
  get<T>(path: string, options?: ReadOptions): Promise<T>;
  /** a whole collection, paginated */
  list<T>(path: string, options?: ReadListOptions<T>): Promise<T[]>;
  /** a whole collection and the resourceVersion it was read at */
  listWithVersion<T>(path: string, options?: ReadListOptions<T>): Promise<CollectionRead<T>>;
  /** a watch from a resourceVersion: events until the server ends it (onDone(null)) or it fails */
  watch(
    path: string,
    query: ReadOptions['query'],
    onEvent: (event: WatchEvent) => void,
    onDone: (err: Error | null) => void,
    /** the server accepted the watch (200): the stream is open */
    onOpen?: () => void,
  ): Promise<{ abort(): void }>;
  /**
   * The API server's verdict on applying an object, with nothing stored
   * (server-side apply with dryRun=All): a question, not a write. `audit
   * -f --preflight` asks it so a manifest is judged by the server's own code.
   */
  judgeApply(path: string, object: unknown): Promise<ApplyJudgement>;
  /** Whether the user may do this (SelfSubjectAccessReview); undefined when the server cannot say. */
  mayI(attributes: AccessAttributes): Promise<boolean | undefined>;
  close(): void;
}
