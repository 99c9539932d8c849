package backup

import (
	"strings"
	"testing"
)

// TestCountDump: rows are counted in MySQL's one-line and MariaDB's
// row-per-line dumps, whatever the strings hold.
func TestCountDump(t *testing.T) {
	dump := "CREATE TABLE `empty` (\n  `id` int\n);\n" +
		"CREATE TABLE `a` (\n  `id` int\n);\n" +
		"INSERT INTO `a` VALUES (1,'x(y)'),(2,'it\\'s; (odd)'),(3,NULL);\n" +
		"INSERT INTO `a` VALUES (4,'');\n" +
		"CREATE TABLE `b` (\n  `id` int\n);\n" +
		"INSERT INTO `b` VALUES\n(1,'),('),\n(2,'a\\\\'),\n(3,'line\\nbreak');\n"
	got, err := CountDump(strings.NewReader(dump))
	if err != nil {
		t.Fatal(err)
	}
	if got["empty"] != 0 || got["a"] != 4 || got["b"] != 3 || len(got) != 3 {
		t.Errorf("counts %v, want empty 0, a 4, b 3", got)
	}
	if _, err := CountDump(strings.NewReader("INSERT INTO `b` VALUES\n(1,'x'),\n")); err == nil {
		t.Error("a dump cut inside the rows was accepted")
	}
}
