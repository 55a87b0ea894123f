// `serve` runs for days beside the workloads it watches, under a memory limit,
// and audits every --interval at most: there, memory is worth more than audit
// speed. V8's optimize-for-size mode grows the heap in smaller steps and
// collects sooner. It cannot be given in NODE_OPTIONS (Node refuses it there),
// and a single executable takes no V8 flags on its command line, so serve sets
// it on itself at start. The heuristics that read it are consulted at every
// collection, not only when the heap is created, so it takes effect from then
// on (measured: npm run bench:soak). The same mode collects before each audit.
import v8 from 'node:v8';
import vm from 'node:vm';

/** Sets V8's optimize-for-size mode for the rest of the process. */
export function favourMemory(setFlags: (flags: string) => void = v8.setFlagsFromString): void {
  setFlags('--optimize-for-size');
}

/**
 * A full collection, before each audit: the audit's own allocations (its snapshot's indexes, the
 * checks' memos, the findings, the report) then come on top of the stores alone, not of whatever
 * the watches' changes left since V8's last full collection. The peak comes during audits, and
 * varied by 10 MiB from one audit to the next with that garbage (measured: npm run bench:soak with
 * a sampler of the high-water mark). A collection takes about 20 ms at 10k volumes (audits 680 ->
 * 696 ms), once per --interval at most. V8 exposes it only under --expose-gc, which serve sets on itself as it
 * sets optimize-for-size; the function is then read from a fresh context, where V8 installs it.
 */
export function collectorBeforeAudits(): () => void {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  return () => gc();
}
