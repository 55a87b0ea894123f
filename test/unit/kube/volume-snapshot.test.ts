// The snapshot-controller's and external-provisioner's rules, as kube/volume-snapshot.ts reads them.
import { describe, expect, it } from 'vitest';
import { dataSourceOf, isReadySnapshot, isSnapshotSource, resolveSnapshotClass, restoreSizeBytes, snapshotTakenAt } from '../../../src/kube/volume-snapshot.js';
import type { VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../../../src/kube/types.js';

const cls = (name: string, driver: string, isDefault?: string): VolumeSnapshotClass => ({
  metadata: { name, ...(isDefault !== undefined ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': isDefault } } : {}) },
  driver,
});

describe('resolveSnapshotClass', () => {
  const classes = [cls('a', 'ebs', 'true'), cls('b', 'ebs'), cls('c', 'gce', 'true'), cls('d', 'gce', 'TRUE')];
  it('takes the one default of the driver; the annotation counts only when exactly "true"', () => {
    expect(resolveSnapshotClass(classes, 'ebs')).toEqual({ ok: true, class: classes[0], defaulted: true });
    expect(resolveSnapshotClass(classes, 'gce')).toEqual({ ok: true, class: classes[2], defaulted: true });
  });
  it('takes a named class of the same driver, and refuses a missing one or one of another driver', () => {
    expect(resolveSnapshotClass(classes, 'ebs', 'b')).toEqual({ ok: true, class: classes[1], defaulted: false });
    expect(resolveSnapshotClass(classes, 'ebs', 'zz')).toEqual({ ok: false, reason: 'VolumeSnapshotClass zz does not exist' });
    expect(resolveSnapshotClass(classes, 'ebs', 'c')).toEqual({ ok: false, reason: "VolumeSnapshotClass c is for driver gce, the volume's is ebs" });
  });
  it('words no class, no default, and several defaults as the controller does', () => {
    expect(resolveSnapshotClass(classes, 'nfs')).toEqual({ ok: false, reason: 'no VolumeSnapshotClass for driver nfs ("cannot find default snapshot class")' });
    expect(resolveSnapshotClass([cls('b', 'ebs'), cls('e', 'ebs', 'false')], 'ebs')).toEqual({
      ok: false,
      reason: 'no default VolumeSnapshotClass for driver ebs ("cannot find default snapshot class"; classes of the driver: b, e)',
    });
    expect(resolveSnapshotClass([cls('a', 'ebs', 'true'), cls('x', 'ebs', 'true')], 'ebs')).toEqual({
      ok: false,
      reason: '2 default VolumeSnapshotClasses for driver ebs ("2 default snapshot classes were found": a, x)',
    });
  });
});

describe('snapshot sources, times and sizes', () => {
  it('reads dataSourceRef before dataSource, and a snapshot source only of the snapshot group', () => {
    const both = {
      spec: {
        dataSource: { kind: 'PersistentVolumeClaim', name: 'old' },
        dataSourceRef: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's', namespace: 'x' },
      },
    };
    expect(dataSourceOf(both)).toEqual({ apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 's', namespace: 'x' });
    expect(isSnapshotSource(dataSourceOf(both))).toBe(true);
    expect(isSnapshotSource({ kind: 'VolumeSnapshot', name: 's', apiGroup: 'example.com' })).toBe(false);
    expect(isSnapshotSource({ kind: 'PersistentVolumeClaim', name: 's', apiGroup: 'snapshot.storage.k8s.io' })).toBe(false);
    expect(dataSourceOf({ spec: { dataSource: { kind: 'VolumeSnapshot', name: '' } } })).toBeUndefined();
  });

  it("takes the snapshot's own time, else its content's nanoseconds; the size likewise, in bytes", () => {
    const content: VolumeSnapshotContent = { status: { creationTime: 1_767_268_800_123_456_789, restoreSize: 2 * 1024 ** 3 } };
    const bare: VolumeSnapshot = {};
    expect(snapshotTakenAt(bare, content)).toBe(Math.floor(1_767_268_800_123_456_789 / 1e6));
    expect(restoreSizeBytes(bare, content)).toBe(2 * 1024 ** 3);
    const own: VolumeSnapshot = { status: { creationTime: '2026-01-01T12:00:00Z', restoreSize: '1Gi' } };
    expect(snapshotTakenAt(own, content)).toBe(Date.parse('2026-01-01T12:00:00Z'));
    expect(restoreSizeBytes(own, content)).toBe(1024 ** 3);
    // Nonsense from a content is no size and no time.
    expect(restoreSizeBytes(bare, { status: { restoreSize: 0 } })).toBeUndefined();
    expect(restoreSizeBytes(bare, { status: { restoreSize: -1 } })).toBeUndefined();
    expect(snapshotTakenAt(bare, { status: { creationTime: Number.NaN } })).toBeUndefined();
    expect(snapshotTakenAt(bare, { status: { creationTime: '5' as unknown as number } })).toBeUndefined();
    // JSON.parse makes a number too large for a double Infinity: no size, no time.
    const huge = JSON.parse('{"status": {"restoreSize": 1e400, "creationTime": 1e400}}') as VolumeSnapshotContent;
    expect(restoreSizeBytes(bare, huge)).toBeUndefined();
    expect(snapshotTakenAt(bare, huge)).toBeUndefined();
    expect(restoreSizeBytes(bare, { status: { restoreSize: '5Gi' as unknown as number } })).toBeUndefined();
  });

  it('is ready only when readyToUse and not being deleted', () => {
    expect(isReadySnapshot({ status: { readyToUse: true } })).toBe(true);
    expect(isReadySnapshot({ status: { readyToUse: true }, metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } })).toBe(false);
    expect(isReadySnapshot({ status: { readyToUse: false } })).toBe(false);
  });
});
