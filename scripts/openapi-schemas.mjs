#!/usr/bin/env node
// `npm run schema`: writes src/schema/kubernetes.json, the OpenAPI v3 schemas
// of the kinds `audit -f` reads, from the home release's own API server (the
// project's control plane), so manifests are validated offline exactly as
// that release would. The trimming is src/snapshot/validate-manifest.ts's, the
// same --preflight applies to a live server's schema.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { binaryPath, homeVersion, up } from './cluster.mjs';
import { SCHEMA_KINDS, schemaFromDocuments } from '../dist/snapshot/validate-manifest.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const version = homeVersion();
const { kubeconfig } = await up(undefined, { version });
const kubectl = binaryPath(version);
const documents = [...new Set(Object.values(SCHEMA_KINDS).map((k) => k.document))].map((d) =>
  JSON.parse(execFileSync(kubectl, ['kubectl', '--kubeconfig', kubeconfig, 'get', '--raw', `/openapi/v3/${d}`], { maxBuffer: 64 << 20 })),
);
const schema = schemaFromDocuments(version, documents);
fs.writeFileSync(path.join(ROOT, 'src', 'schema', 'kubernetes.json'), JSON.stringify(schema) + '\n');
process.stderr.write(`wrote src/schema/kubernetes.json: ${Object.keys(schema.components.schemas).length} definitions from Kubernetes ${version}\n`);
