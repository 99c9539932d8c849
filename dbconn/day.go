package dbconn

import (
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"gongkai/catalog"
)

// DayToDB is a calendar day as the stores keep it in a date column: the
// day it is in Shanghai, at midnight UTC.
func DayToDB(t time.Time) time.Time {
	y, m, d := t.In(catalog.Shanghai).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// DayFromDB reads a day DayToDB kept back as midnight in Shanghai.
func DayFromDB(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, catalog.Shanghai)
}

// DayPtrToDB is DayToDB of a day that may be unset.
func DayPtrToDB(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := DayToDB(*t)
	return &v
}

// DayPtrFromDB is DayFromDB of a day that may be unset.
func DayPtrFromDB(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := DayFromDB(*t)
	return &v
}

// NextCounter takes, in tx, the next value of the counter scope in a
// store's table of counters, named by its model (a pointer to a record
// whose primary key is the column scope, with a column next); the row
// lock the update takes orders concurrent takers, so no value is given
// twice.
func NextCounter(tx *gorm.DB, model any, scope string) (int64, error) {
	fail := func(err error) (int64, error) { return 0, fmt.Errorf("dbconn: counter %s: %w", scope, err) }
	if err := tx.Model(model).Clauses(clause.OnConflict{DoNothing: true}).Create(map[string]any{"scope": scope, "next": 0}).Error; err != nil {
		return fail(err)
	}
	if err := tx.Model(model).Where("scope = ?", scope).UpdateColumn("next", gorm.Expr("next + 1")).Error; err != nil {
		return fail(err)
	}
	var c struct{ Next int64 }
	if err := tx.Model(model).Where("scope = ?", scope).Take(&c).Error; err != nil {
		return fail(err)
	}
	return c.Next, nil
}
