// The order names are sorted in: by UTF-16 code unit, not localeCompare.
// What is sorted here (object names, namespaces, finding codes, template
// names, RFC 3339 times) is ASCII of one case, where the two orders agree (a
// property test holds them together); localeCompare's first use maps ICU's
// collation data into the process, 2 MiB that serve would keep resident.

/** Negative, zero or positive as a sorts before, with or after b. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
