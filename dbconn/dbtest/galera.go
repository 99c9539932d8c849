package dbtest

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gongkai/dbconn"
)

// Galera is a MariaDB Galera cluster of nodes on loopback ports, each a
// mariadbd of its own in a folder of the test's; the cluster goes when the
// test ends. It needs Debian's mariadb-server, galera-4, mariadb-backup (the
// state transfer to a joining node) and socat.
type Galera struct {
	t     testing.TB
	dir   string
	nodes []*galeraNode
}

type galeraNode struct {
	name                string
	port, group, ist, s int // client, group communication, IST and SST ports
	cmd                 *exec.Cmd
	done                chan struct{}
}

// galeraProvider is Debian's galera-4 library.
const galeraProvider = "/usr/lib/galera/libgalera_smm.so"

// GaleraMissing names what this machine lacks to run a cluster, or "".
func GaleraMissing() string {
	var missing []string
	for _, bin := range []string{"mariadbd", "mariadb-install-db", "mariadb", "mariadb-backup", "socat"} {
		if _, err := exec.LookPath(bin); err != nil {
			if _, err := os.Stat("/usr/sbin/" + bin); err != nil {
				missing = append(missing, bin)
			}
		}
	}
	if _, err := os.Stat(galeraProvider); err != nil {
		missing = append(missing, galeraProvider)
	}
	return strings.Join(missing, ", ")
}

// StartGalera starts an n-node cluster — the first node bootstraps it, the
// others join by a state transfer — and waits until every node is synced.
// root@127.0.0.1 has no password on it.
func StartGalera(t testing.TB, n int) *Galera {
	t.Helper()
	if m := GaleraMissing(); m != "" {
		t.Fatalf("a Galera cluster needs %s (apt-get install mariadb-server galera-4 mariadb-backup socat)", m)
	}
	// A short folder: a unix socket's path may not be long.
	dir, err := os.MkdirTemp("", "gkgal")
	if err != nil {
		t.Fatal(err)
	}
	g := &Galera{t: t, dir: dir}
	t.Cleanup(func() {
		for _, nd := range g.nodes {
			if nd.cmd != nil {
				syscall.Kill(-nd.cmd.Process.Pid, syscall.SIGKILL)
				<-nd.done
			}
		}
		os.RemoveAll(dir)
	})
	ports := freePorts(t, 4*n)
	var peers []string
	for i := 0; i < n; i++ {
		nd := &galeraNode{name: fmt.Sprintf("n%d", i+1), port: ports[4*i], group: ports[4*i+1], ist: ports[4*i+2], s: ports[4*i+3]}
		g.nodes = append(g.nodes, nd)
		peers = append(peers, fmt.Sprintf("127.0.0.1:%d", nd.group))
		out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+g.data(i), "--auth-root-authentication-method=socket",
			"--skip-test-db").CombinedOutput()
		if err != nil {
			t.Fatalf("mariadb-install-db: %v\n%s", err, out)
		}
	}
	cluster := "gcomm://" + strings.Join(peers, ",")
	g.start(0, cluster, "--wsrep-new-cluster")
	// The first node, by its socket: a root that may connect over TCP.
	deadline := time.Now().Add(90 * time.Second)
	for {
		out, err := exec.Command("mariadb", "-uroot", "-S", g.socket(0), "-e",
			"CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY ''; GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION").CombinedOutput()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the first Galera node did not start: %v %s\n%s", err, out, g.log(0))
		}
		time.Sleep(200 * time.Millisecond)
	}
	for i := 1; i < n; i++ {
		g.start(i, cluster)
	}
	for i := 0; i < n; i++ {
		g.WaitSynced(i, n, 3*time.Minute)
	}
	return g
}

func (g *Galera) data(i int) string   { return filepath.Join(g.dir, g.nodes[i].name) }
func (g *Galera) socket(i int) string { return filepath.Join(g.dir, g.nodes[i].name+".sock") }
func (g *Galera) log(i int) string {
	b, _ := os.ReadFile(filepath.Join(g.dir, g.nodes[i].name+".err"))
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

func (g *Galera) start(i int, cluster string, extra ...string) {
	nd := g.nodes[i]
	args := append([]string{"--no-defaults", "--user=root", "--datadir=" + g.data(i), "--socket=" + g.socket(i),
		"--port=" + strconv.Itoa(nd.port), "--bind-address=127.0.0.1", "--skip-name-resolve",
		"--log-error=" + filepath.Join(g.dir, nd.name+".err"), "--pid-file=" + filepath.Join(g.dir, nd.name+".pid"),
		"--wsrep_on=ON", "--wsrep_provider=" + galeraProvider, "--wsrep_cluster_name=gongkai-test", "--wsrep_cluster_address=" + cluster,
		"--wsrep_node_name=" + nd.name, fmt.Sprintf("--wsrep_node_address=127.0.0.1:%d", nd.group),
		fmt.Sprintf("--wsrep_provider_options=base_port=%d;ist.recv_addr=127.0.0.1:%d;gcache.size=64M", nd.group, nd.ist),
		fmt.Sprintf("--wsrep_sst_receive_address=127.0.0.1:%d", nd.s), "--wsrep_sst_method=mariabackup", "--wsrep_sst_auth=root:",
		"--binlog_format=ROW", "--default_storage_engine=InnoDB", "--innodb_autoinc_lock_mode=2"}, extra...)
	nd.cmd = exec.Command(mariadbd(), args...)
	nd.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} // its SST scripts go with it
	if err := nd.cmd.Start(); err != nil {
		g.t.Fatal(err)
	}
	nd.done = make(chan struct{})
	go func() { nd.cmd.Wait(); close(nd.done) }()
}

func mariadbd() string {
	if p, err := exec.LookPath("mariadbd"); err == nil {
		return p
	}
	return "/usr/sbin/mariadbd"
}

// Addr is node i's client address.
func (g *Galera) Addr(i int) string { return fmt.Sprintf("127.0.0.1:%d", g.nodes[i].port) }

// DSN is the cluster's DSN for a database, through the nodes in the order
// given (each new connection to the first that answers), reads waiting for
// the cluster's committed writes.
func (g *Galera) DSN(db string, order ...int) string {
	var addrs []string
	for _, i := range order {
		addrs = append(addrs, g.Addr(i))
	}
	return "root@failover(" + strings.Join(addrs, ",") + ")/" + db + "?wsrep_sync_wait=1"
}

// Exec runs statements on node i.
func (g *Galera) Exec(i int, query string) {
	g.t.Helper()
	db, err := sql.Open(dbconn.MySQL, "root@tcp("+g.Addr(i)+")/")
	if err != nil {
		g.t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(query); err != nil {
		g.t.Fatalf("node %d: %s: %v", i+1, query, err)
	}
}

// Status is a wsrep status variable of node i ("" when it does not answer).
func (g *Galera) Status(i int, name string) string {
	db, err := sql.Open(dbconn.MySQL, "root@tcp("+g.Addr(i)+")/?timeout=2s")
	if err != nil {
		return ""
	}
	defer db.Close()
	var k, v string
	if db.QueryRow("SHOW STATUS LIKE '"+name+"'").Scan(&k, &v) != nil {
		return ""
	}
	return v
}

// WaitSynced waits until node i is synced in a cluster of size nodes.
func (g *Galera) WaitSynced(i, size int, within time.Duration) {
	g.t.Helper()
	deadline := time.Now().Add(within)
	for {
		if g.Status(i, "wsrep_local_state_comment") == "Synced" && g.Status(i, "wsrep_cluster_size") == strconv.Itoa(size) {
			return
		}
		select {
		case <-g.nodes[i].done:
			g.t.Fatalf("Galera node %d ended:\n%s", i+1, g.log(i))
		default:
		}
		if time.Now().After(deadline) {
			g.t.Fatalf("Galera node %d not synced in a cluster of %d within %s:\n%s", i+1, size, within, g.log(i))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// Kill ends node i at once (SIGKILL), as a crash or a pulled plug would.
func (g *Galera) Kill(i int) {
	nd := g.nodes[i]
	syscall.Kill(-nd.cmd.Process.Pid, syscall.SIGKILL)
	<-nd.done
	nd.cmd = nil
}

// freePorts are n loopback ports free now, all different.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ls []net.Listener
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}
