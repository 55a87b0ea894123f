// CSI drivers as the cluster knows them: a CSIDriver object (cluster-wide,
// optional) and the drivers each node's kubelet registered in its CSINode.
// In-tree volume sources either still have a plugin, are served through CSI
// migration (csi-translation-lib plugins/*.go driver names), or are gone.
import type { CSIDriver, CSINode, Volume } from './types.js';

/** In-tree sources Kubernetes serves only through CSI migration, and the driver each becomes. */
export const MIGRATED_IN_TREE: Record<string, string> = {
  awsElasticBlockStore: 'ebs.csi.aws.com',
  azureDisk: 'disk.csi.azure.com',
  azureFile: 'file.csi.azure.com',
  gcePersistentDisk: 'pd.csi.storage.gke.io',
  cinder: 'cinder.csi.openstack.org',
  portworxVolume: 'pxd.portworx.com',
  vsphereVolume: 'csi.vsphere.vmware.com',
};

/**
 * In-tree sources with no plugin and no migration in any release this tool
 * supports (absent from pkg/volume of v1.33.13 and v1.37.2, and from
 * csi-translation-lib): no node can mount them.
 */
export const REMOVED_IN_TREE: Record<string, string> = {
  rbd: 'ceph-csi (rbd.csi.ceph.com)',
  cephfs: 'ceph-csi (cephfs.csi.ceph.com)',
  glusterfs: 'a GlusterFS CSI driver',
  flocker: 'a CSI driver for its backend',
  quobyte: 'the Quobyte CSI driver',
  storageos: 'the StorageOS CSI driver',
  scaleIO: 'the PowerFlex (ScaleIO) CSI driver',
  photonPersistentDisk: 'a CSI driver for its backend',
};

/** The CSI driver a PV needs: its csi source, or the driver its in-tree source migrates to. */
export function driverOfVolume(volume: Volume): { driver: string; migratedFrom?: string } | undefined {
  const spec = (volume.spec ?? {}) as Record<string, unknown>;
  if (volume.spec?.csi?.driver) return { driver: volume.spec.csi.driver };
  for (const [field, driver] of Object.entries(MIGRATED_IN_TREE)) if (spec[field]) return { driver, migratedFrom: field };
  return undefined;
}

export function removedInTreeSource(volume: Volume): string | undefined {
  const spec = (volume.spec ?? {}) as Record<string, unknown>;
  return Object.keys(REMOVED_IN_TREE).find((field) => spec[field]);
}

export interface DriverRegistry {
  objects: Set<string>;
  /** driver -> the nodes whose CSINode lists it */
  nodes: Map<string, string[]>;
  /** node -> driver -> allocatable.count */
  limits: Map<string, Map<string, number>>;
}

export function driverRegistry(drivers: CSIDriver[], csiNodes: CSINode[]): DriverRegistry {
  const nodes = new Map<string, string[]>();
  const limits = new Map<string, Map<string, number>>();
  for (const n of csiNodes) {
    const name = n.metadata?.name ?? '';
    for (const d of n.spec?.drivers ?? []) {
      nodes.set(d.name, [...(nodes.get(d.name) ?? []), name]);
      if (d.allocatable?.count !== undefined) {
        const m = limits.get(name) ?? new Map<string, number>();
        m.set(d.name, d.allocatable.count);
        limits.set(name, m);
      }
    }
  }
  return { objects: new Set(drivers.map((d) => d.metadata?.name ?? '')), nodes, limits };
}

export function isRegistered(registry: DriverRegistry, driver: string): boolean {
  return registry.objects.has(driver) || (registry.nodes.get(driver)?.length ?? 0) > 0;
}
