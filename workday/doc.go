// Package workday is China's statutory working-day calendar (法定工作日): weekends
// are off, public holidays are off, and the make-up working days (调休上班) are on.
//
// The bundled data come from lunar-go's HolidayUtil; an admin can store a year's
// arrangement (for a year the library does not know yet, or to correct one) and the
// calendar layers it on top. A date past the last known year is an error naming
// that year, never a guess: deadlines of disclosure requests depend on it.
//
// It imports only the standard library and lunar-go; no HTTP, no gorm.
package workday
