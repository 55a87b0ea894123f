// `serve` runs for days beside the workloads it watches, under a memory limit,
// and audits every --interval at most: there, memory is worth more than audit
// speed. V8's optimize-for-size mode grows the heap in smaller steps and
// collects sooner. It cannot be given in NODE_OPTIONS (Node refuses it there),
// and a single executable takes no V8 flags on its command line, so serve sets
// it on itself at start. The heuristics that read it are consulted at every
// collection, not only when the heap is created, so it takes effect from then
// on (measured: npm run bench:soak).
import v8 from 'node:v8';

/** Sets V8's optimize-for-size mode for the rest of the process. */
export function favourMemory(setFlags: (flags: string) => void = v8.setFlagsFromString): void {
  setFlags('--optimize-for-size');
}
