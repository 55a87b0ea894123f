// A backup keeps what each change saw and left, even when one object is in a plan twice.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Backup } from '../../../src/fixes/backup.js';
import { claim, claimChange } from './claim-change.js';

describe('Backup', () => {
  it('gives one object in a plan twice (snapshotted, then resized) files of its own for each entry', () => {
    const backup = Backup.create(fs.mkdtempSync(path.join(os.tmpdir(), 'backup-')), 'c', 'https://x');
    const first = backup.add(claimChange({ summary: 'snapshot' }));
    const second = backup.add(claimChange({ summary: 'resize' }));
    expect(first.file).toBe('PersistentVolumeClaim_shop_data-db-0.yaml');
    expect(second.file).toBe('PersistentVolumeClaim_shop_data-db-0~2.yaml');
    backup.setAfter(first, { kind: 'VolumeSnapshot', metadata: { name: 'data-db-0-x' } });
    backup.setAfter(second, { ...claim, spec: { resources: { requests: { storage: '2Gi' } } } });
    expect(backup.after(first).kind).toBe('VolumeSnapshot');
    expect(backup.after(second).kind).toBe('PersistentVolumeClaim');
  });
});
