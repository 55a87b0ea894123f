// Operators that create StatefulSets from a resource of their own: which
// field of that resource holds the storage size, and whether the operator
// resizes by itself. From each project's code and docs (see docs/owners.md):
// prometheus-operator Documentation/platform/storage.md, ECK
// pkg/controller/elasticsearch/driver/pvc_expansion.go, RabbitMQ
// controllers/reconcile_persistence.go, Zalando pkg/cluster/volumes.go,
// MongoDB Community api/v1/mongodbcommunity_types.go.

export interface KnownOperator {
  /** API group of its resource */
  group: string;
  kinds: string[];
  operator: string;
  /** the resource field a user changes to resize, as its docs write it */
  sizeField: string;
  /** it grows the claims and re-creates the set itself once the field changes */
  resizesItself: boolean;
  /**
   * prometheus-operator: no self-resize, but a documented procedure this
   * tool can drive (pause, change the size, grow the claims, orphan-delete,
   * un-pause): the JSON pointer of the size and of the pause switch.
   */
  procedure?: { sizePointer: string; pausePointer: string };
}

const PROMETHEUS_STORAGE = '/spec/storage/volumeClaimTemplate/spec/resources/requests/storage';

export const KNOWN_OPERATORS: KnownOperator[] = [
  {
    group: 'monitoring.coreos.com',
    kinds: ['Prometheus', 'PrometheusAgent', 'Alertmanager', 'ThanosRuler'],
    operator: 'prometheus-operator',
    sizeField: 'spec.storage.volumeClaimTemplate.spec.resources.requests.storage',
    resizesItself: false,
    procedure: { sizePointer: PROMETHEUS_STORAGE, pausePointer: '/spec/paused' },
  },
  {
    group: 'elasticsearch.k8s.elastic.co',
    kinds: ['Elasticsearch'],
    operator: 'ECK',
    sizeField: 'spec.nodeSets[].volumeClaimTemplates[].spec.resources.requests.storage',
    resizesItself: true,
  },
  { group: 'rabbitmq.com', kinds: ['RabbitmqCluster'], operator: 'the RabbitMQ cluster operator', sizeField: 'spec.persistence.storage', resizesItself: true },
  { group: 'acid.zalan.do', kinds: ['postgresql'], operator: 'the Zalando postgres-operator', sizeField: 'spec.volume.size', resizesItself: true },
  {
    group: 'mongodbcommunity.mongodb.com',
    kinds: ['MongoDBCommunity'],
    operator: 'the MongoDB Community operator',
    sizeField: 'spec.statefulSet.spec.volumeClaimTemplates[].spec.resources.requests.storage',
    resizesItself: false,
  },
];

export function knownOperator(apiVersion: string, kind: string): KnownOperator | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return KNOWN_OPERATORS.find((o) => o.group === group && o.kinds.includes(kind));
}
