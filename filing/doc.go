// Package filing keeps each unit's openness staff filing record
// (政务公开机构人员备案表): who is in charge, who publishes, the office that
// handles openness. Filings are versions — a new one never rewrites the old —
// and the watch list finds units that never filed, filed long ago, or change
// their publishers often (发布员变动频繁). A domain package: no HTTP, no gorm.
package filing
