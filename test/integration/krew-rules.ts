// krew's manifest rules (sigs.k8s.io/krew internal/index/validation/validate.go
// ValidatePlugin, and cmd/validate-krew-manifest's platform checks), restated
// because krew itself cannot be fetched here (the Go module proxy refuses
// sigs.k8s.io/krew). Returns the violations.
const SUPPORTED = new Set([
  'windows/386',
  'windows/amd64',
  'windows/arm64',
  'linux/386',
  'linux/amd64',
  'linux/arm',
  'linux/arm64',
  'linux/ppc64le',
  'darwin/386',
  'darwin/amd64',
  'darwin/arm64',
]);
const SEMVER = /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

interface Platform {
  uri?: string;
  sha256?: string;
  bin?: string;
  files?: Array<{ from?: string; to?: string }>;
  selector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
}

export function validateKrewManifest(
  m: { apiVersion?: string; kind?: string; metadata?: { name?: string }; spec?: { version?: string; shortDescription?: string; platforms?: Platform[] } },
  fileName: string,
): string[] {
  const errors: string[] = [];
  if (m.apiVersion !== 'krew.googlecontainertools.github.com/v1alpha2') errors.push(`apiVersion ${m.apiVersion}`);
  if (m.kind !== 'Plugin') errors.push(`kind ${m.kind}`);
  const name = m.metadata?.name ?? '';
  if (!/^[\w-]+$/.test(name)) errors.push(`name "${name}" is not ^[\\w-]+$`);
  if (name !== fileName) errors.push(`metadata.name ${name} differs from the file name ${fileName}`);
  const short = m.spec?.shortDescription ?? '';
  if (!short || /[\r\n]/.test(short)) errors.push('shortDescription empty or multi-line');
  if (short.length > 50) errors.push(`shortDescription is ${short.length} characters (krew-index asks for at most 50)`);
  if (!SEMVER.test(m.spec?.version ?? '')) errors.push(`version ${m.spec?.version} is not v-prefixed semver`);
  const platforms = m.spec?.platforms ?? [];
  if (platforms.length === 0) errors.push('no platforms');
  const seen = new Set<string>();
  for (const [i, p] of platforms.entries()) {
    if (!p.uri) errors.push(`platform ${i}: no uri`);
    if (!/^[a-f0-9]{64}$/.test(p.sha256 ?? '')) errors.push(`platform ${i}: sha256 is not 64 lowercase hex digits`);
    if (!p.bin) errors.push(`platform ${i}: no bin`);
    if (p.files !== undefined && (p.files.length === 0 || p.files.some((f) => !f.from || !f.to))) errors.push(`platform ${i}: files need from and to`);
    const labels = p.selector?.matchLabels ?? {};
    if (!p.selector || (Object.keys(labels).length === 0 && !p.selector.matchExpressions?.length)) errors.push(`platform ${i}: empty selector`);
    if (Object.keys(labels).some((k) => k !== 'os' && k !== 'arch')) errors.push(`platform ${i}: selector keys other than os and arch`);
    const key = `${labels['os']}/${labels['arch']}`;
    if (!SUPPORTED.has(key)) errors.push(`platform ${i}: ${key} matches no supported platform`);
    if (seen.has(key)) errors.push(`platform ${i}: ${key} matched twice`);
    seen.add(key);
  }
  return errors;
}
