// Package search finds units, catalogue items and publications by Chinese
// characters or by pinyin, full or by initials (低保, dibao, db), for the
// kiosk. Every polyphone reading of a character is indexed (重大 → zd,
// 重庆 → cq); readings in the common order rank first. Alias groups
// (低保 = 最低生活保障) widen a query. The index lives in memory and is
// rebuilt from the database by its owner; it holds only what may be shown
// to the public.
//
// It imports go-pinyin and the standard library, no HTTP and no database.
package search
