package dbconn

import (
	"gorm.io/gorm"

	"gongkai/catalog"
)

// AuditFunc records a write in the transaction that makes it: the catalog
// store's chained audit log (gormstore.AuditInTx), which the server wires
// into every other store so a change and its entry commit together.
type AuditFunc func(tx *gorm.DB, by catalog.Actor, unit, obj, action string, target any, detail string, before, after any) error

// AuditOrNone returns audit, or one that records nothing when it is nil
// (tests of a store alone).
func AuditOrNone(audit AuditFunc) AuditFunc {
	if audit == nil {
		return func(*gorm.DB, catalog.Actor, string, string, string, any, string, any, any) error { return nil }
	}
	return audit
}
