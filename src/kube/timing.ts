// Where an audit's time goes, for the benchmark (STS_STORAGE_DEBUG_REQUESTS=1
// prints it): start-up, reading, parsing, indexing, checks, rendering.
export const phaseLog = new Map<string, number>();

export function addPhase(name: string, ms: number): void {
  phaseLog.set(name, (phaseLog.get(name) ?? 0) + ms);
}

export function timed<T>(name: string, fn: () => T): T {
  const started = performance.now();
  try {
    return fn();
  } finally {
    addPhase(name, performance.now() - started);
  }
}
