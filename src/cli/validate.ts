import { UsageError } from './errors.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Object names (RFC 1123 subdomain, as the API server validates them). */
export function validateName(what: string, name: string): string {
  if (!name || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw new UsageError(`${what} "${name}" is not a valid name (lowercase letters, digits, "-" and ".", at most 253 characters)`);
  }
  return name;
}

export function validateNamespace(ns: string): string {
  if (!ns || ns.length > 63 || !DNS_LABEL.test(ns)) throw new UsageError(`namespace "${ns}" is not a valid namespace name`);
  return ns;
}

/** "NAMESPACE/NAME" as --claim takes it. */
export function parseClaimRef(text: string): { namespace: string; name: string } {
  const parts = text.split('/');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new UsageError(`--claim must be NAMESPACE/NAME (got "${text}")`);
  return { namespace: validateNamespace(parts[0]), name: validateName('claim', parts[1]) };
}

export const MAX_ORDINAL = 1_000_000;

export function validateOrdinal(value: unknown): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n < 0 || n > MAX_ORDINAL)
    throw new UsageError(`--ordinal must be a whole number from 0 to ${MAX_ORDINAL} (got ${String(value)})`);
  return n;
}
