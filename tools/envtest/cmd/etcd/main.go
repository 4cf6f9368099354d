// Command etcd is the upstream etcd server, built at the version k8s.io/apiserver selects.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
