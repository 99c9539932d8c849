// Package inspect is the county's quarterly inspection (测评): for a quarter
// and as of a date, it finds in each unit's catalogue and publications what
// the county's bulletins report — columns not updated (少量/部分/大量栏目本季度
// 更新不到位), columns not updated all year, irregular publishing (duplicate
// titles, dates out of order, bursts), the request register kept late,
// interpretations unlinked, few or of low quality, privacy leaks, frequent
// changes of publisher, last quarter's rectification — each with its
// evidence, and writes the bulletin's annex table in the seed's words.
//
// It imports catalog, filing, foi, workday and the standard library; no
// HTTP, no gorm.
package inspect
