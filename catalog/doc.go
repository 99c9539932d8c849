// Package catalog holds the standardised disclosure catalogue (基层政务公开标准目录):
// units (单位), domains (领域), template and unit catalogue items (事项) with
// their history, publications (公开信息), and the 公开时限 parser.
//
// It is a domain package: plain structs, validation, and the service interfaces
// that the stores implement. It imports the standard library only — no HTTP, no
// gorm (catalog/gormstore is the persistence).
package catalog
