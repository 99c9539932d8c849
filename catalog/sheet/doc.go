// Package sheet exchanges catalogues as spreadsheets in the national layout
// of the 基层政务公开标准目录 (DOMAIN.md §2.1): .xlsx through excelize, and CSV
// for Excel. It knows the catalog types and nothing of HTTP or the database.
package sheet
