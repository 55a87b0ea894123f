// What the audit, the planners and `show` may do with the cluster: read.
// Only fixes/apply-plan.ts (and the permission check it runs) holds the
// KubeClient that writes; the import-boundary lint (.dependency-cruiser.cjs)
// keeps every other module on this type.

export interface ReadOptions {
  query?: Record<string, string | number | boolean | undefined>;
}

export interface ReadListOptions<T> {
  limit?: number;
  labelSelector?: string;
  fieldSelector?: string;
  map?: (item: T) => T;
}

export interface ReadClient {
  readonly server: string;
  readonly user: string;
  readonly namespace: string;
  /** GET one object or endpoint */
  get<T>(path: string, options?: ReadOptions): Promise<T>;
  /** a whole collection, paginated */
  list<T>(path: string, options?: ReadListOptions<T>): Promise<T[]>;
  close(): void;
}
