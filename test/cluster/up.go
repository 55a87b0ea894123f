package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The controllers the plugin's scenarios depend on. The protection
// controllers are needed or deleted claims and volumes hang in Terminating;
// the serviceaccount controller gives each namespace the default
// ServiceAccount that the ServiceAccount admission plugin requires of pods;
// the expander hands growing claims to a resizer (resize), and the
// resourcequota controller keeps the quota usage the admission plugin judges against;
// node-lifecycle marks a node whose Lease stops NotReady and taints it,
// attach-detach writes VolumeAttachments for the nodes that let it manage them,
// and pod-GC force-deletes the terminating pods of an out-of-service node (recover-node).
var controllers = []string{
	"node-lifecycle-controller",
	"persistentvolume-attach-detach-controller",
	"pod-garbage-collector-controller",
	"persistentvolume-binder-controller",
	"persistentvolume-protection-controller",
	"persistentvolumeclaim-protection-controller",
	"persistentvolume-expander-controller",
	"resourcequota-controller",
	"statefulset-controller",
	"garbage-collector-controller",
	"namespace-controller",
	"serviceaccount-controller",
}

type component struct {
	name string
	args []string
	cmd  *exec.Cmd
	done chan struct{}
}

type state struct {
	Pid               int            `json:"pid"`
	Server            string         `json:"server"`
	Etcd              string         `json:"etcd"`
	Kubeconfig        string         `json:"kubeconfig"`
	KubernetesVersion string         `json:"kubernetesVersion"`
	Scheduler         bool           `json:"scheduler"`
	Components        map[string]int `json:"components"`
	Started           time.Time      `json:"started"`
}

// kubernetesVersion is set with -ldflags by the build script; it only labels
// the state file.
var kubernetesVersion = "unknown"

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func runUp(args []string) int {
	fs := flag.NewFlagSet("up", flag.ExitOnError)
	dir := fs.String("dir", ".cluster", "state directory")
	withScheduler := fs.Bool("scheduler", true, "also run kube-scheduler")
	syncPeriod := fs.String("pv-sync-period", "1s", "persistent volume binder sync period")
	controllerList := fs.String("controllers", strings.Join(controllers, ","), "kube-controller-manager controllers (the benchmark runs only serviceaccount-controller so seeded objects stay as seeded)")
	_ = fs.Parse(args)

	if err := up(*dir, *withScheduler, *syncPeriod, *controllerList); err != nil {
		fmt.Fprintln(os.Stderr, "sts-storage-cluster:", err)
		return 1
	}
	return 0
}

func up(dir string, withScheduler bool, syncPeriod, controllerList string) error {
	dir, _ = filepath.Abs(dir)
	for _, d := range []string{"logs", "etcd"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			return err
		}
	}
	pki, err := writePKI(filepath.Join(dir, "pki"))
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte("sts-storage-admin-token,sts-storage-admin,sts-storage-admin,system:masters\n"), 0o600); err != nil {
		return err
	}
	var ports [3]int
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return err
		}
	}
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", ports[0])
	server := fmt.Sprintf("https://127.0.0.1:%d", ports[2])
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, server, pki); err != nil {
		return err
	}
	// The kubeconfig only becomes visible when the cluster is ready: tests and
	// scripts wait for it.
	_ = os.Remove(filepath.Join(dir, "ready"))

	comps := []*component{
		{name: "etcd", args: []string{"--data-dir", filepath.Join(dir, "etcd"), "--listen-client-url", etcdURL, "--listen-peer-url", fmt.Sprintf("http://127.0.0.1:%d", ports[1])}},
		{name: "apiserver", args: []string{
			"--etcd-servers=" + etcdURL,
			"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1",
			fmt.Sprintf("--secure-port=%d", ports[2]),
			"--cert-dir=" + filepath.Join(dir, "pki"),
			"--tls-cert-file=" + pki.serverCert, "--tls-private-key-file=" + pki.serverKey,
			"--client-ca-file=" + pki.caCert,
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=" + pki.saPub,
			"--service-account-signing-key-file=" + pki.saKey,
			"--service-cluster-ip-range=10.0.0.0/24",
			"--authorization-mode=RBAC",
			"--token-auth-file=" + tokens,
			"--allow-privileged=true",
			// The kubernetes Service cannot point at loopback; nothing here needs it.
			"--endpoint-reconciler-type=none",
			"--profiling=false",
		}},
		{name: "controller-manager", args: []string{
			"--kubeconfig=" + kubeconfig,
			"--leader-elect=false",
			"--secure-port=0",
			"--controllers=" + controllerList,
			"--pvclaimbinder-sync-period=" + syncPeriod,
			// A node that stops renewing its Lease is NotReady after 10s instead of 50s,
			// so the dead-node tests wait seconds; the controller's logic is unchanged.
			"--node-monitor-period=1s",
			"--node-monitor-grace-period=10s",
			"--profiling=false",
		}},
	}
	if withScheduler {
		comps = append(comps, &component{name: "scheduler", args: []string{
			"--kubeconfig=" + kubeconfig, "--leader-elect=false", "--secure-port=0",
		}})
	}

	self, err := os.Executable()
	if err != nil {
		return err
	}
	var mu sync.Mutex
	start := func(c *component) error {
		logf, err := os.OpenFile(filepath.Join(dir, "logs", c.name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return err
		}
		c.cmd = exec.Command(self, append([]string{c.name}, c.args...)...)
		c.cmd.Stdout, c.cmd.Stderr = logf, logf
		// Children die with the supervisor even if it is SIGKILLed.
		c.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := c.cmd.Start(); err != nil {
			logf.Close()
			return fmt.Errorf("start %s: %w", c.name, err)
		}
		c.done = make(chan struct{})
		go func(cmd *exec.Cmd, done chan struct{}) {
			_ = cmd.Wait()
			logf.Close()
			close(done)
		}(c.cmd, c.done)
		return nil
	}
	stopAll := func() {
		for i := len(comps) - 1; i >= 0; i-- {
			c := comps[i]
			if c.cmd == nil || c.cmd.Process == nil {
				continue
			}
			_ = c.cmd.Process.Signal(syscall.SIGCONT)
			_ = c.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-c.done:
			case <-time.After(10 * time.Second):
				_ = c.cmd.Process.Kill()
				<-c.done
			}
		}
	}
	writeState := func() error {
		mu.Lock()
		defer mu.Unlock()
		s := state{Pid: os.Getpid(), Server: server, Etcd: etcdURL, Kubeconfig: kubeconfig, KubernetesVersion: kubernetesVersion, Scheduler: withScheduler, Components: map[string]int{}, Started: time.Now()}
		for _, c := range comps {
			if c.cmd != nil && c.cmd.Process != nil {
				s.Components[c.name] = c.cmd.Process.Pid
			}
		}
		data, _ := json.MarshalIndent(s, "", "  ")
		tmp := filepath.Join(dir, "state.json.tmp")
		if err := os.WriteFile(tmp, data, 0o600); err != nil {
			return err
		}
		return os.Rename(tmp, filepath.Join(dir, "state.json"))
	}

	client := adminHTTPClient(pki)
	for i, c := range comps {
		if err := start(c); err != nil {
			stopAll()
			return err
		}
		switch c.name {
		case "etcd":
			if err := waitHTTP(client, etcdURL+"/health", 60*time.Second, c.done); err != nil {
				stopAll()
				return fmt.Errorf("etcd: %w (see %s)", err, filepath.Join(dir, "logs", "etcd.log"))
			}
		case "apiserver":
			if err := waitHTTP(client, server+"/readyz", 120*time.Second, c.done); err != nil {
				stopAll()
				return fmt.Errorf("kube-apiserver: %w (see %s)", err, filepath.Join(dir, "logs", "apiserver.log"))
			}
		}
		_ = i
	}
	if err := writeState(); err != nil {
		stopAll()
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "ready"), []byte(server+"\n"), 0o600); err != nil {
		stopAll()
		return err
	}
	fmt.Fprintf(os.Stderr, "cluster ready at %s, kubeconfig %s\n", server, kubeconfig)

	// SIGHUP restarts components that exited (tests stop the API server on
	// purpose to prove fault handling, then bring it back this way).
	sig := make(chan os.Signal, 4)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	for s := range sig {
		if s != syscall.SIGHUP {
			break
		}
		for _, c := range comps {
			select {
			case <-c.done:
				fmt.Fprintf(os.Stderr, "restarting %s\n", c.name)
				if err := start(c); err != nil {
					fmt.Fprintln(os.Stderr, err)
				}
				if c.name == "apiserver" {
					_ = waitHTTP(client, server+"/readyz", 120*time.Second, c.done)
				}
			default:
			}
		}
		_ = writeState()
		_ = os.WriteFile(filepath.Join(dir, "ready"), []byte(server+"\n"), 0o600)
	}
	_ = os.Remove(filepath.Join(dir, "ready"))
	stopAll()
	return nil
}

func adminHTTPClient(p *pkiFiles) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caPEM)
	cert, _ := tls.X509KeyPair(p.adminCertPEM, p.adminKeyPEM)
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}},
	}
}

func waitHTTP(client *http.Client, url string, timeout time.Duration, died <-chan struct{}) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		select {
		case <-died:
			return fmt.Errorf("process exited before %s was ready", url)
		case <-ctx.Done():
			return fmt.Errorf("%s not ready after %s: %s", url, timeout, last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func writeKubeconfig(path, server string, p *pkiFiles) error {
	b64 := base64.StdEncoding.EncodeToString
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: sts-storage-test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: sts-storage-admin
  user:
    client-certificate-data: %s
    client-key-data: %s
contexts:
- name: sts-storage-test
  context:
    cluster: sts-storage-test
    user: sts-storage-admin
    namespace: default
current-context: sts-storage-test
`, server, b64(p.caPEM), b64(p.adminCertPEM), b64(p.adminKeyPEM))
	return os.WriteFile(path, []byte(cfg), 0o600)
}
