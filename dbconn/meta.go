package dbconn

import (
	"context"
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
