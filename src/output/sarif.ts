// SARIF 2.1.0, so GitHub code scanning and other CI tools show findings
// inline: one rule per code (text from the check's metadata), results
// located in the manifest files when they came from files.
import path from 'node:path';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Check } from '../checks/check.js';
import type { AuditReport } from './report.js';
import { VERSION_INFO } from '../version.js';

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;
export const DOCS_URI = 'https://github.com/kubectl-sts-storage/kubectl-sts-storage/blob/main/docs/checks.md';

function artifactUri(file: string, cwd: string): string {
  if (file === '<stdin>') return 'stdin';
  const rel = path.isAbsolute(file) ? path.relative(cwd, file) : file;
  return rel.split(path.sep).map(encodeURIComponent).join('/');
}

export function renderSarif(report: AuditReport, checks: Check[], cwd = process.cwd()): Log {
  const rules: ReportingDescriptor[] = checks.map((c) => ({
    id: c.code,
    name: c.id,
    shortDescription: { text: c.title },
    fullDescription: { text: c.rationale },
    help: { text: c.remediation, markdown: `**${c.code}** ${c.title}\n\n${c.rationale}\n\n**Repair.** ${c.remediation}` },
    helpUri: `${DOCS_URI}#${c.code.toLowerCase()}`,
    defaultConfiguration: { level: LEVEL[c.severity] },
    properties: { tags: ['kubernetes', 'storage', 'statefulset'] },
  }));
  const index = new Map(checks.map((c, i) => [c.code, i]));
  const results: Result[] = report.findings.map((f) => {
    const qualified = `${f.object.kind}/${f.object.namespace ? f.object.namespace + '/' : ''}${f.object.name}`;
    const result: Result = {
      ruleId: f.code,
      level: LEVEL[f.severity],
      message: { text: `${f.message}${f.fix ? `\nRepair: ${f.fix.command}` : ''}` },
      locations: [
        {
          ...(f.location
            ? {
                physicalLocation: {
                  artifactLocation: { uri: artifactUri(f.location.file, cwd) },
                  ...(f.location.line ? { region: { startLine: f.location.line } } : {}),
                },
              }
            : {}),
          logicalLocations: [{ name: f.object.name, fullyQualifiedName: qualified, kind: 'resource' }],
        },
      ],
      partialFingerprints: { 'stsStorage/v1': `${f.code}:${qualified}` },
      properties: { evidence: f.evidence },
    };
    if (index.has(f.code)) result.ruleIndex = index.get(f.code)!;
    return result;
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubectl-sts-storage', version: VERSION_INFO.version, informationUri: DOCS_URI, rules } },
        results,
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.skipped.map((s) => ({ level: 'note', message: { text: `skipped ${s.check}: ${s.reason}` } })),
          },
        ],
      },
    ],
  };
}
