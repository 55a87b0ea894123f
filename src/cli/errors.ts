import { ApiError, ConfigError, ConnectionError, NotFoundError, UnexpectedResponseError } from '../kube/errors.js';
import { ManifestError } from '../snapshot/manifest-error.js';

/** Exit codes: part of the public interface, documented in the README. */
export const EXIT = {
  OK: 0,
  /** audit: findings at or above --fail-on; repairs: something was refused or failed */
  FINDINGS: 1,
  USAGE: 2,
  CLUSTER: 3,
  /** resize --wait, snapshot --wait: the changes were applied, and the wait ended before they took effect */
  WAIT_TIMED_OUT: 4,
  INTERRUPTED: 130,
} as const;

/** Invalid flags, arguments or input files. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Input the user must fix (a manifest), where the flags' help would not help: exit 2, no "See --help". */
export class InputError extends UsageError {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError || err instanceof NotFoundError || err instanceof ManifestError) return EXIT.USAGE;
  if (err instanceof ConfigError) return err.usage ? EXIT.USAGE : EXIT.CLUSTER;
  if (err instanceof ConnectionError || err instanceof UnexpectedResponseError) return EXIT.CLUSTER;
  if (err instanceof ApiError) return err.unauthorized || err.status >= 500 ? EXIT.CLUSTER : err.notFound ? EXIT.USAGE : EXIT.FINDINGS;
  return EXIT.CLUSTER;
}

/** One line that says what went wrong; stack traces only with --debug. */
export function describeError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.unauthorized) return `the API server refused the credentials (401 Unauthorized): ${err.message}`;
    if (err.forbidden) return `forbidden: ${err.message}`;
    return `${err.message} (${err.method} ${err.path}: ${err.status} ${err.reason})`;
  }
  // A usage error's later lines are the valid choices: keep them.
  if (err instanceof UsageError) return err.message.replace(/:\n\s*/g, ': ').replace(/\n\s*/g, '; ');
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message;
  return String(err);
}
