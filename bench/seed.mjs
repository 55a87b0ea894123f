// Seeds a synthetic cluster for the benchmark: StatefulSets of 3 replicas
// with one template, their ordinal claims, PVs, pods and an event each,
// with a few percent of each problem the audit detects. Concurrent and
// resumable: units whose PVs exist are skipped, 409s are taken as done.
import { ApiError } from '../dist/kube/errors.js';

const UNIT_REPLICAS = 3;
const PER_NAMESPACE = 250;

/** What one StatefulSet unit looks like, and which problem it carries. */
export function unitPlan(index) {
  const ns = `bench-${Math.floor(index / PER_NAMESPACE)}`;
  const name = `app-${index}`;
  const problem =
    index % 50 === 7
      ? 'bad-mount'
      : index % 40 === 3
        ? 'stale-claimref'
        : index % 30 === 5
          ? 'scaled-down'
          : index % 60 === 11
            ? 'missing-class'
            : index % 45 === 9
              ? 'released-gone'
              : 'healthy';
  return { ns, name, problem };
}

async function pool(items, concurrency, fn) {
  let next = 0;
  const workers = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

async function create(client, path, body) {
  try {
    return await client.request('POST', path, { body });
  } catch (err) {
    if (err instanceof ApiError && err.conflict) return client.request('GET', `${path}/${encodeURIComponent(body.metadata.name)}`);
    throw err;
  }
}

const status = (client, path, body) => client.request('PATCH', `${path}/status`, { body, contentType: 'application/merge-patch+json' });

/**
 * Since 1.34 the API server refuses a StatefulSet whose mount names nothing, so
 * those units are stored as a cluster upgraded from 1.33 holds them (storeLegacy
 * writes into etcd with the API server's codec, as the tests' createLegacy does).
 */
async function createSet(client, ns, body, storeLegacy) {
  try {
    return await create(client, `/apis/apps/v1/namespaces/${ns}/statefulsets`, body);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 422 && /volumeMounts/.test(err.message) && storeLegacy)) throw err;
    // Validation refuses before it looks for an existing object: a unit seeded before (its event
    // since expired, below) already has its set.
    try {
      return await client.request('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${body.metadata.name}`);
    } catch (e) {
      if (!(e instanceof ApiError && e.notFound)) throw e;
    }
    storeLegacy({ apiVersion: 'apps/v1', kind: 'StatefulSet', ...body, metadata: { ...body.metadata, namespace: ns } });
    for (;;) {
      try {
        return await client.request('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${body.metadata.name}`);
      } catch (e) {
        if (!(e instanceof ApiError && e.notFound)) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

async function seedUnit(client, index, storeLegacy) {
  const { ns, name, problem } = unitPlan(index);
  const replicas = problem === 'scaled-down' ? UNIT_REPLICAS - 1 : UNIT_REPLICAS;
  const mount = problem === 'bad-mount' ? 'datta' : 'data';
  const className = problem === 'missing-class' ? 'bench-missing' : 'bench-standard';
  const sts = await createSet(
    client,
    ns,
    {
      metadata: { name, labels: { bench: 'true' } },
      spec: {
        replicas,
        serviceName: name,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: { containers: [{ name: 'main', image: 'registry.invalid/app:1', volumeMounts: [{ name: mount, mountPath: '/data' }] }] },
        },
        volumeClaimTemplates: [
          { metadata: { name: 'data' }, spec: { storageClassName: className, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ],
      },
    },
    storeLegacy,
  );
  for (let o = 0; o < UNIT_REPLICAS; o++) {
    const claimName = `data-${name}-${o}`;
    const pvName = `pv-${ns}-${name}-${o}`;
    const stale = problem === 'stale-claimref' && o === 2;
    const gone = problem === 'released-gone' && o === 2;
    if (!gone) {
      const claim = await create(client, `/api/v1/namespaces/${ns}/persistentvolumeclaims`, {
        metadata: { name: claimName, labels: { app: name } },
        spec: {
          storageClassName: className,
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '1Gi' } },
          ...(stale || problem === 'missing-class' ? {} : { volumeName: pvName }),
        },
      });
      const bound = !stale && problem !== 'missing-class';
      await status(client, `/api/v1/namespaces/${ns}/persistentvolumeclaims/${claimName}`, {
        status: bound ? { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] } : { phase: 'Pending' },
      });
      if (problem !== 'missing-class') {
        await create(client, '/api/v1/persistentvolumes', {
          metadata: { name: pvName, labels: { bench: 'true' } },
          spec: {
            capacity: { storage: '1Gi' },
            accessModes: ['ReadWriteOnce'],
            storageClassName: className,
            persistentVolumeReclaimPolicy: 'Retain',
            csi: { driver: 'bench.example.com', volumeHandle: pvName },
            claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: ns, name: claimName, uid: stale ? `deleted-${index}` : claim.metadata.uid },
          },
        });
        await status(client, `/api/v1/persistentvolumes/${pvName}`, { status: { phase: stale ? 'Released' : 'Bound' } });
      }
    } else {
      await create(client, '/api/v1/persistentvolumes', {
        metadata: { name: pvName, labels: { bench: 'true' } },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: className,
          persistentVolumeReclaimPolicy: 'Retain',
          csi: { driver: 'bench.example.com', volumeHandle: pvName },
          claimRef: { namespace: ns, name: claimName, uid: `deleted-${index}` },
        },
      });
      await status(client, `/api/v1/persistentvolumes/${pvName}`, { status: { phase: 'Released' } });
    }
    if (o < replicas && problem !== 'bad-mount') {
      const podName = `${name}-${o}`;
      await create(client, `/api/v1/namespaces/${ns}/pods`, {
        metadata: {
          name: podName,
          labels: { app: name },
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name, uid: sts.metadata.uid, controller: true }],
        },
        spec: {
          nodeName: `bench-node-${index % 10}`,
          containers: [{ name: 'main', image: 'registry.invalid/app:1' }],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
        },
      });
      await status(client, `/api/v1/namespaces/${ns}/pods/${podName}`, { status: { phase: 'Running' } });
    }
  }
  await create(client, `/api/v1/namespaces/${ns}/events`, {
    metadata: { name: `${name}.seed` },
    involvedObject: { apiVersion: 'apps/v1', kind: 'StatefulSet', namespace: ns, name, uid: sts.metadata.uid },
    reason: problem === 'bad-mount' ? 'FailedCreate' : 'SuccessfulCreate',
    message:
      problem === 'bad-mount'
        ? `create Pod ${name}-0 in StatefulSet ${name} failed error: Pod "${name}-0" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "datta"`
        : `create Pod ${name}-0 in StatefulSet ${name} successful`,
    type: problem === 'bad-mount' ? 'Warning' : 'Normal',
    source: { component: 'statefulset-controller' },
    firstTimestamp: new Date().toISOString(),
    lastTimestamp: new Date().toISOString(),
    count: 1,
  });
}

/** Seeds until the cluster holds `volumes` PVs' worth of units; returns how many units were added. */
export async function seed(client, volumes, log, storeLegacy) {
  const units = Math.ceil(volumes / UNIT_REPLICAS);
  const namespaces = Math.ceil(units / PER_NAMESPACE);
  for (let n = 0; n < namespaces; n++) await create(client, '/api/v1/namespaces', { metadata: { name: `bench-${n}` } });
  await create(client, '/apis/storage.k8s.io/v1/storageclasses', {
    metadata: { name: 'bench-standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'bench.example.com',
    volumeBindingMode: 'Immediate',
  });
  for (let i = 0; i < 10; i++)
    await create(client, '/api/v1/nodes', { metadata: { name: `bench-node-${i}`, labels: { 'kubernetes.io/hostname': `bench-node-${i}` } } });
  // The default ServiceAccount admission check needs it in every namespace.
  for (let n = 0; n < namespaces; n++) {
    for (let tries = 0; ; tries++) {
      try {
        await client.request('GET', `/api/v1/namespaces/bench-${n}/serviceaccounts/default`);
        break;
      } catch (err) {
        if (tries > 200) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  // A unit's event is written last: its presence means the unit is complete. Events expire (the API
  // server's --event-ttl, an hour): a plane kept for longer has every unit seeded again, each create
  // finding its object there, and gets its events back.
  const done_ = new Set(
    (await client.list('/api/v1/events', { limit: 500 }))
      .filter((e) => e.metadata.name.endsWith('.seed'))
      .map((e) => `${e.metadata.namespace}/${e.metadata.name}`),
  );
  const todo = [];
  for (let i = 0; i < units; i++) {
    const { ns, name } = unitPlan(i);
    if (!done_.has(`${ns}/${name}.seed`)) todo.push(i);
  }
  let done = 0;
  const started = Date.now();
  await pool(todo, 24, async (i) => {
    await seedUnit(client, i, storeLegacy);
    if (++done % 200 === 0) log(`seeded ${done}/${todo.length} units (${((Date.now() - started) / 1000).toFixed(0)}s)`);
  });
  return todo.length;
}
