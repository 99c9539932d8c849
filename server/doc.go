// Command server runs Gongkai: `go run ./server` starts it on the embedded
// SQLite database with Jingde's demo data. It reads its configuration from the
// environment (see README.md), opens and migrates the database, seeds it,
// wires the stores, mounts /kiosk and /api/v1, and shuts down gracefully.
//
// It is the only package that knows every concrete type.
package main
