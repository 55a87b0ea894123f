// Command sts-storage-cluster is the project's test control plane: real etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler built from the
// k8s.io/kubernetes module. It is one multi-call binary whose components run
// as separate child processes, because the components share global state
// (klog flags, feature gates, metrics registries) and cannot live in one
// process without patches.
//
//	sts-storage-cluster up --dir DIR      start everything, write DIR/kubeconfig, supervise
//	sts-storage-cluster etcd ...          embedded etcd (internal)
//	sts-storage-cluster apiserver ...     kube-apiserver (internal)
//	sts-storage-cluster controller-manager ...
//	sts-storage-cluster scheduler ...
//	sts-storage-cluster kubectl ...       kubectl, for the benchmark's list-call floor
//	sts-storage-cluster store|etcd-export|etcd-import --dir DIR   objects straight into etcd (storage.go)
package main

import (
	"fmt"
	"os"

	"k8s.io/component-base/cli"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubectl "k8s.io/kubectl/pkg/cmd"

	_ "time/tzdata"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sts-storage-cluster up|etcd|apiserver|controller-manager|scheduler|kubectl [flags]")
		os.Exit(2)
	}
	sub, args := os.Args[1], os.Args[2:]
	switch sub {
	case "up":
		os.Exit(runUp(args))
	case "etcd":
		os.Exit(runEtcd(args))
	case "store":
		os.Exit(runStore(args))
	case "etcd-export":
		os.Exit(runEtcdExport(args))
	case "etcd-import":
		os.Exit(runEtcdImport(args))
	case "apiserver":
		cmd := apiserver.NewAPIServerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "controller-manager":
		cmd := controllermanager.NewControllerManagerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	case "kubectl":
		// Plugin dispatch (kubectl-<name> on PATH) reads os.Args, not SetArgs.
		os.Args = append([]string{"kubectl"}, args...)
		cmd := kubectl.NewDefaultKubectlCommand()
		cmd.SetArgs(args)
		if err := cli.RunNoErrOutput(cmd); err != nil {
			fmt.Fprintln(os.Stderr, "error:", err)
			os.Exit(1)
		}
		os.Exit(0)
	case "scheduler":
		cmd := scheduler.NewSchedulerCommand()
		cmd.SetArgs(args)
		os.Exit(cli.Run(cmd))
	default:
		fmt.Fprintf(os.Stderr, "unknown subcommand %q\n", sub)
		os.Exit(2)
	}
}
