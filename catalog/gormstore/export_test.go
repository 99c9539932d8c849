package gormstore

// SetSplitItems lowers the catalogue size from which ItemsAsOf reads in
// two halves, so a test's few items take that path; it returns the undo.
func SetSplitItems(n int) func() {
	old := splitItems
	splitItems = n
	return func() { splitItems = old }
}
