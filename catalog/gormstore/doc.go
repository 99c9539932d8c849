// Package gormstore is catalog's persistence on gorm: the only place where the
// catalogue's table structs (unexported …Record types) exist. Every mutating
// call runs in one transaction and writes its audit entry in it.
package gormstore
