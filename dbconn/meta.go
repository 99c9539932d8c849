package dbconn

import (
	"context"
	"fmt"
	"strconv"

	"gorm.io/gorm"
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
