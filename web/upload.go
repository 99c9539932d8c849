package web

import (
	"io"

	"github.com/gofiber/fiber/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

// SheetUpload reads the Excel file of the form field "file": EINVALID with
// the message missing when there is none, or when it is too large.
func SheetUpload(c *fiber.Ctx, missing string) (data []byte, name string, err error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, "", catalog.Invalid("file", "%s", missing)
	}
	if fh.Size > sheet.MaxBytes {
		return nil, "", catalog.Invalid("file", "文件不能超过%dMB", sheet.MaxBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	if data, err = io.ReadAll(io.LimitReader(f, sheet.MaxBytes+1)); err != nil {
		return nil, "", err
	}
	return data, fh.Filename, nil
}
