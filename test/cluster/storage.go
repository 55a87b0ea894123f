package main

// Subcommands that reach etcd directly, under the API server. They exist for
// one reason: since Kubernetes 1.34 the API server refuses at create a
// StatefulSet whose volumeMount names nothing (PR #131790), so the objects that
// still carry that mistake live on only in clusters upgraded from 1.33 or
// earlier. These subcommands put such objects where an upgraded cluster holds
// them: in etcd, in the storage encoding, without passing create validation.
//
//	sts-storage-cluster store --dir DIR < object.json       encode with the storage codec and create the key
//	sts-storage-cluster etcd-export --dir DIR KEY... > kv.json   the raw stored bytes, as the API server wrote them
//	sts-storage-cluster etcd-import --dir DIR < kv.json     create those keys, byte for byte

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/client-go/kubernetes/scheme"
)

// The etcd key of each kind the tests store directly: /registry/<resource>/[<namespace>/]<name>,
// the layout of the API server's default storage prefix.
var storageResources = map[string]struct {
	resource   string
	namespaced bool
}{
	"StatefulSet":           {"statefulsets", true},
	"PersistentVolume":      {"persistentvolumes", false},
	"PersistentVolumeClaim": {"persistentvolumeclaims", true},
	"Namespace":             {"namespaces", false},
}

func etcdClient(dir string) (*clientv3.Client, error) {
	data, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return nil, err
	}
	var s state
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, err
	}
	if s.Etcd == "" {
		return nil, fmt.Errorf("%s has no etcd address (a cluster started by an older harness)", filepath.Join(dir, "state.json"))
	}
	return clientv3.New(clientv3.Config{Endpoints: []string{s.Etcd}, DialTimeout: 10 * time.Second})
}

// createKey writes key only if it does not exist, so a test can never
// overwrite what the API server stored.
func createKey(ctx context.Context, c *clientv3.Client, key string, value []byte) error {
	resp, err := c.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", 0)).Then(clientv3.OpPut(key, string(value))).Commit()
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		return fmt.Errorf("%s already exists", key)
	}
	return nil
}

func runStore(args []string) int {
	fs := flag.NewFlagSet("store", flag.ExitOnError)
	dir := fs.String("dir", ".cluster", "state directory")
	_ = fs.Parse(args)
	if err := store(*dir, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "store:", err)
		return 1
	}
	return 0
}

func store(dir string, in io.Reader, out io.Writer) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	obj, gvk, err := scheme.Codecs.UniversalDeserializer().Decode(data, nil, nil)
	if err != nil {
		return err
	}
	where, ok := storageResources[gvk.Kind]
	if !ok {
		return fmt.Errorf("kind %s is not one this harness stores", gvk.Kind)
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return err
	}
	// What the registry's BeforeCreate fills in; resourceVersion stays empty
	// because etcd's revision is the resourceVersion.
	if m.GetUID() == "" {
		m.SetUID(types.UID(uuid.NewUUID()))
	}
	m.SetCreationTimestamp(metav1.NewTime(time.Now().Truncate(time.Second)))
	m.SetResourceVersion("")
	if m.GetGeneration() == 0 && gvk.Kind == "StatefulSet" {
		m.SetGeneration(1)
	}
	key := "/registry/" + where.resource + "/"
	if where.namespaced {
		if m.GetNamespace() == "" {
			return fmt.Errorf("%s %s has no namespace", gvk.Kind, m.GetName())
		}
		key += m.GetNamespace() + "/"
	}
	key += m.GetName()
	// The API server stores built-in kinds as protobuf in their storage
	// version (apps/v1, v1): the same serializer and version here.
	var buf bytes.Buffer
	encoder := scheme.Codecs.EncoderForVersion(protobuf.NewSerializer(scheme.Scheme, scheme.Scheme), gvk.GroupVersion())
	if err := encoder.Encode(obj.(runtime.Object), &buf); err != nil {
		return err
	}
	c, err := etcdClient(dir)
	if err != nil {
		return err
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := createKey(ctx, c, key, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(out, "{\"key\":%q,\"uid\":%q}\n", key, string(m.GetUID()))
	return nil
}

func runEtcdExport(args []string) int {
	fs := flag.NewFlagSet("etcd-export", flag.ExitOnError)
	dir := fs.String("dir", ".cluster", "state directory")
	_ = fs.Parse(args)
	c, err := etcdClient(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd-export:", err)
		return 1
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	kv := map[string][]byte{}
	for _, key := range fs.Args() {
		resp, err := c.Get(ctx, key)
		if err != nil {
			fmt.Fprintln(os.Stderr, "etcd-export:", err)
			return 1
		}
		if len(resp.Kvs) == 0 {
			fmt.Fprintf(os.Stderr, "etcd-export: no key %s\n", key)
			return 1
		}
		kv[key] = resp.Kvs[0].Value
	}
	// []byte marshals as base64: the stored bytes travel unchanged.
	if err := json.NewEncoder(os.Stdout).Encode(kv); err != nil {
		fmt.Fprintln(os.Stderr, "etcd-export:", err)
		return 1
	}
	return 0
}

func runEtcdImport(args []string) int {
	fs := flag.NewFlagSet("etcd-import", flag.ExitOnError)
	dir := fs.String("dir", ".cluster", "state directory")
	_ = fs.Parse(args)
	var kv map[string][]byte
	if err := json.NewDecoder(os.Stdin).Decode(&kv); err != nil {
		fmt.Fprintln(os.Stderr, "etcd-import:", err)
		return 1
	}
	c, err := etcdClient(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd-import:", err)
		return 1
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// Namespaces first, so that the namespaced objects have a home when the
	// API server's watch delivers them.
	var keys []string
	for k := range kv {
		if strings.HasPrefix(k, "/registry/namespaces/") {
			keys = append([]string{k}, keys...)
		} else {
			keys = append(keys, k)
		}
	}
	for _, k := range keys {
		if err := createKey(ctx, c, k, kv[k]); err != nil {
			fmt.Fprintln(os.Stderr, "etcd-import:", err)
			return 1
		}
	}
	return 0
}
