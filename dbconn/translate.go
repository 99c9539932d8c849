package dbconn

import (
	"errors"
	"fmt"

	"gorm.io/gorm"

	"gongkai/catalog"
)

// Translate maps a store's gorm error about what (单位, 用户 …) to a coded
// error: a missing row is ENOTFOUND, a duplicate ECONFLICT, a broken
// reference (a unit, domain or item that does not exist) EINVALID; a coded error passes as it is, and any other is
// wrapped with the store's name as an internal error.
func Translate(err error, store, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return catalog.Errorf(catalog.ENOTFOUND, "%s不存在", what)
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return catalog.Errorf(catalog.ECONFLICT, "%s已存在", what)
	case errors.Is(err, gorm.ErrForeignKeyViolated):
		return catalog.Errorf(catalog.EINVALID, "%s引用的记录不存在", what)
	}
	var ce *catalog.Error
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %s: %w", store, what, err)
}
