// Resource quantities as the API serializes them (k8s.io/apimachinery
// resource.Quantity): binary suffixes Ki..Ei, decimal k..E, milli "m",
// and exponents (1e9). Compared as numbers of bytes, which is exact enough
// for the sizes storage uses.
const SUFFIX: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return undefined;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E))?$/.exec(value.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? '']!;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '?';
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let value = bytes;
  let i = 0;
  while (value >= 1024 && i < units.length - 1 && Number.isInteger(value / 1024)) {
    value /= 1024;
    i++;
  }
  return `${value}${units[i]}`;
}
