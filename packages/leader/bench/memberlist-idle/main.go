// Reference: hashicorp/memberlist (what MetalLB's speaker uses) idle on loopback.
// Usage: memberlist-idle NAME PORT PROBE_MS SEED_PORT...
package main

import (
	"fmt"
	"io"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/hashicorp/memberlist"
)

func main() {
	name := os.Args[1]
	port, _ := strconv.Atoi(os.Args[2])
	probeMs, _ := strconv.Atoi(os.Args[3])
	c := memberlist.DefaultLANConfig()
	c.Name = name
	c.BindAddr = "127.0.0.1"
	c.BindPort = port
	c.AdvertisePort = port
	c.Logger = log.New(io.Discard, "", 0)
	c.SecretKey = []byte("0123456789abcdef0123456789abcdef")
	if probeMs > 0 {
		c.ProbeInterval = time.Duration(probeMs) * time.Millisecond
		c.ProbeTimeout = time.Duration(probeMs*2/5) * time.Millisecond
	}
	m, err := memberlist.Create(c)
	if err != nil {
		panic(err)
	}
	var seeds []string
	for _, p := range os.Args[4:] {
		seeds = append(seeds, "127.0.0.1:"+p)
	}
	for {
		if _, err := m.Join(seeds); err == nil || len(seeds) == 0 {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Println("ready")
	select {}
}
