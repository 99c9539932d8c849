// Package foi is disclosure requests (依申请公开): the application and its
// checks (ID numbers by GB 11643, credit codes by GB 32100), the statutory
// clock of the 政府信息公开条例 (arts. 30–33: 20 working days from receipt,
// the start day not counted; one correction notice within 7 working days
// that restarts the clock; consultations excluded; one extension of at most
// 20 working days), the outcomes of art. 36 mapped one-to-one onto the rows
// of the annual-report table (国办公开办函〔2021〕30号), the answer letter
// and the annual statistics.
//
// It imports catalog (for coded errors) and the standard library; no HTTP,
// no gorm.
package foi
