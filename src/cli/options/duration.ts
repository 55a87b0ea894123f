import { parseDuration } from '../../kube/time.js';
import { UsageError } from '../errors.js';

/** A duration flag's value ("90s", "10m"), or a usage error that names the flag. */
export function durationFlag(flag: string, value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
}
