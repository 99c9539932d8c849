package dbconn

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync/atomic"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
)

// A MariaDB Galera cluster is reached through any of its nodes. A DSN may
// name them all, the nearest first, with the network "failover":
//
//	gongkai:pw@failover(10.0.0.11:3306,10.0.0.12:3306,10.0.0.13:3306)/gongkai?wsrep_sync_wait=1
//
// Each new connection goes to the first node that answers, so when a node
// goes down the pool's next connections go to the next one, without a
// restart. wsrep_sync_wait=1 makes a read wait for the writes the cluster
// has already committed, so that a person's next page, served by another
// instance through another node, shows what they just did.
func init() {
	mysql.RegisterDialContext("failover", dialFailover)
}

// failoverTimeout bounds how long one node may take to accept.
const failoverTimeout = 3 * time.Second

func dialFailover(ctx context.Context, addrs string) (net.Conn, error) {
	var errs []error
	for _, addr := range strings.Split(addrs, ",") {
		addr = strings.TrimSpace(addr)
		if addr == "" {
			continue
		}
		d := net.Dialer{Timeout: failoverTimeout, KeepAlive: 30 * time.Second}
		c, err := d.DialContext(ctx, "tcp", addr)
		if err == nil {
			return c, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return nil, fmt.Errorf("dbconn: no database node answers: %w", errors.Join(errs...))
}

// Transaction runs fn in a transaction on db and runs it again, up to
// four more times, when the database gives it up as a deadlock
// (1213): InnoDB's answer to two transactions locking each other, and
// Galera's when another node committed a conflicting write first
// (certification failure) — both say "try restarting transaction". fn
// must be safe to run again: everything it writes is in tx.
func Transaction(db *gorm.DB, fn func(tx *gorm.DB) error) error {
	var err error
	for try := 0; try < 5; try++ {
		if err = db.Transaction(fn); !Deadlock(err) {
			return err
		}
		retries.Add(1)
		// Apart, so that the two do not meet again at once.
		time.Sleep(time.Duration(5+rand.IntN(20)) * time.Millisecond << try)
	}
	return err
}

// retries counts the transactions run again since the start.
var retries atomic.Int64

// Retries is how many times a transaction was run again after a deadlock
// or a certification failure since the process started (for /metrics).
func Retries() int64 { return retries.Load() }

// Deadlock tells whether err is a deadlock or a Galera certification
// failure (MySQL error 1213): the transaction was rolled back and may be
// run again.
func Deadlock(err error) bool {
	var me *mysql.MySQLError
	return err != nil && errors.As(err, &me) && me.Number == 1213
}
