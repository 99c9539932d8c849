package dbconn

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
)

// metaRecord holds facts about the database itself: the schema version
// the program that last migrated it wrote.
type metaRecord struct {
	Name  string `gorm:"primaryKey;size:40"`
	Value string `gorm:"size:200;not null"`
}

func (metaRecord) TableName() string { return "gongkai_meta" }

// SetSchemaVersion records that the database is migrated to version v
// (creating the table of facts when needed).
func SetSchemaVersion(db *gorm.DB, v int) error {
	if err := db.AutoMigrate(&metaRecord{}); err != nil {
		return err
	}
	return db.Save(&metaRecord{Name: "schema", Value: strconv.Itoa(v)}).Error
}

// Once runs a one-time data migration named name unless the database
// records it as done, and records it when f succeeds.
func Once(db *gorm.DB, name string, f func() error) error {
	if err := db.AutoMigrate(&metaRecord{}); err != nil {
		return err
	}
	var n int64
	if err := db.Model(&metaRecord{}).Where("name = ?", "once:"+name).Count(&n).Error; err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if err := f(); err != nil {
		return err
	}
	return db.Save(&metaRecord{Name: "once:" + name, Value: time.Now().UTC().Format(time.RFC3339)}).Error
}

// SchemaVersion is the version the database was last migrated to.
func SchemaVersion(ctx context.Context, db *gorm.DB) (string, error) {
	var m metaRecord
	err := db.WithContext(ctx).Where("name = ?", "schema").Take(&m).Error
	return m.Value, err
}

// Tables lists the database's tables.
func Tables(db *gorm.DB) ([]string, error) { return db.Migrator().GetTables() }

// MoveUnit hands the rows of model whose unit_code is from to unit to, in
// an institutional reform, and returns their key column as text.
func MoveUnit(tx *gorm.DB, model any, key, from, to string) ([]string, error) {
	var ids []string
	if err := tx.Model(model).Where("unit_code = ?", from).Order(key).Pluck(key, &ids).Error; err != nil {
		return nil, fmt.Errorf("dbconn: move unit: %w", err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if err := tx.Model(model).Where("unit_code = ?", from).Update("unit_code", to).Error; err != nil {
		return nil, fmt.Errorf("dbconn: move unit: %w", err)
	}
	return ids, nil
}

// HeldBy describes the rows of model that belong to a unit, for a refusal
// to delete it: label, the first row's key column and how many there are
// ("" when there is none).
func HeldBy(tx *gorm.DB, model any, label, key, code string) (string, error) {
	var n int64
	if err := tx.Model(model).Where("unit_code = ?", code).Count(&n).Error; err != nil {
		return "", fmt.Errorf("dbconn: held by unit: %w", err)
	}
	if n == 0 {
		return "", nil
	}
	if key == "" {
		return fmt.Sprintf("%s%d条", label, n), nil
	}
	var first string
	if err := tx.Model(model).Where("unit_code = ?", code).Order(key).Limit(1).Pluck(key, &first).Error; err != nil {
		return "", fmt.Errorf("dbconn: held by unit: %w", err)
	}
	return fmt.Sprintf("%s（%s等%d个）", label, first, n), nil
}

// HoldUnit reads a unit in tx and holds it for the transaction (a row lock
// on MySQL; SQLite's transactions take the write lock when they begin), so
// that a write belonging to the unit and a reform or deletion of the unit
// happen one after the other, never across each other. It refuses, naming
// field, a unit that does not exist or has ended in a reform.
func HoldUnit(tx *gorm.DB, code, field string) error {
	type unit struct {
		Name      string
		RetiredOn *time.Time
		Successor string
	}
	var u unit
	if err := tx.Table("units").Clauses(clause.Locking{Strength: "UPDATE"}).Select("name, retired_on, successor").
		Where("code = ?", code).Limit(1).Scan(&u).Error; err != nil {
		return fmt.Errorf("dbconn: hold unit: %w", err)
	}
	if u.Name == "" {
		return catalog.Invalid(field, "单位“%s”不存在", code)
	}
	if u.RetiredOn == nil {
		return nil
	}
	var next unit
	if err := tx.Table("units").Select("name").Where("code = ?", u.Successor).Limit(1).Scan(&next).Error; err != nil {
		return fmt.Errorf("dbconn: hold unit: %w", err)
	}
	return catalog.Invalid(field, "“%s”已在机构改革中撤销，其工作由“%s”承接", u.Name, next.Name)
}

// CheckCharset refuses a MySQL database whose default character set is
// not utf8mb4: the tables would be made in it, Chinese text could not be
// stored, and the first migration fails with "Illegal mix of collations".
// SQLite, and a connection with no database chosen, pass.
func CheckCharset(db *gorm.DB) error {
	if db.Dialector.Name() != MySQL {
		return nil
	}
	var r struct {
		Name    *string
		Charset string
	}
	if err := db.Raw("SELECT DATABASE() AS name, @@character_set_database AS charset").Scan(&r).Error; err != nil {
		return fmt.Errorf("dbconn: character set: %w", err)
	}
	if r.Name == nil || r.Charset == "utf8mb4" {
		return nil
	}
	return fmt.Errorf("数据库“%s”的字符集是 %s，不能保存中文：请在空库上执行 ALTER DATABASE `%s` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci，"+
		"或按 deploy/README.md 用 CREATE DATABASE … CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci 建库", *r.Name, r.Charset, *r.Name)
}
