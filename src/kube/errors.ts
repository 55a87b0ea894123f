/** A problem with the local kubeconfig or flags: exit 2 when it is a usage problem, 3 otherwise. */
export class ConfigError extends Error {
  constructor(
    message: string,
    readonly usage = false,
  ) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The API server could not be reached, or did not answer in time. */
export class ConnectionError extends Error {
  constructor(
    readonly server: string,
    readonly causeText: string,
    /** false when no connection was made, so the request cannot have been processed */
    readonly maybeSent = true,
  ) {
    super(`cannot reach the API server ${server}: ${causeText}`);
    this.name = 'ConnectionError';
  }
}

/** One cause of a refusal, as the Status names it (`field: spec.replicas`, `reason: FieldValueInvalid`). */
export interface ApiErrorCause {
  field?: string;
  message?: string;
  reason?: string;
}

/** The API server answered with a failure Status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly method: string,
    readonly path: string,
    /** Status.details.causes: for a refused object, one per field */
    readonly causes: ApiErrorCause[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get forbidden(): boolean {
    return this.status === 403;
  }
  get notFound(): boolean {
    return this.status === 404;
  }
  get conflict(): boolean {
    return this.status === 409;
  }
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

/**
 * One wording for every command, as kubectl words it: `statefulset "web" not
 * found in namespace shop`, `persistentvolume "pv-a" not found`.
 */
export function notFound(kind: string, names: string[], namespace?: string): NotFoundError {
  const what = `${kind.toLowerCase()}${names.length > 1 ? 's' : ''} ${names.map((n) => `"${n}"`).join(', ')}`;
  return new NotFoundError(`${what} not found${namespace ? ` in namespace ${namespace}` : ''}`);
}

/** A named object (a StatefulSet, a PV the user typed) does not exist: the user's input, exit 2. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The server answered, but not with a Kubernetes JSON object (an HTML page from a proxy, an empty body). */
export class UnexpectedResponseError extends Error {
  constructor(
    readonly server: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly contentType: string,
    body: Buffer,
  ) {
    const start = body.toString('utf8', 0, 80).replace(/\s+/g, ' ').trim();
    super(
      `${server} answered ${method} ${path} with ${status} and ${body.length === 0 ? 'an empty body' : `content type ${contentType}, not a Kubernetes JSON object (it begins "${start}")`}; is the kubeconfig's server a proxy or a login page?`,
    );
    this.name = 'UnexpectedResponseError';
  }
}
