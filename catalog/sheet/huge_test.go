package sheet_test

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
	"gongkai/catalog/sheet"
)

// hugeWorkbook is a catalogue sheet of n rows, written as a stream.
func hugeWorkbook(t testing.TB, n int) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	sw.SetRow("A1", []any{"序号", "一级事项", "二级事项", "公开内容（要素）", "公开依据", "公开时限", "公开主体"})
	for i := 2; i <= n; i++ {
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, []any{i - 1, "财政资金", fmt.Sprint("事项", i), "内容", "依据", "20个工作日内", "本镇"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestHugeSheetIsRefusedBeforeItIsRead: a sheet of ten times the row
// limit is refused having read little more than the limit: what it
// allocates is a small multiple of a sheet at the limit, not of its own
// size.
func TestHugeSheetIsRefusedBeforeItIsRead(t *testing.T) {
	huge := hugeWorkbook(t, 10*sheet.MaxRows)
	unit := catalog.Unit{Code: "sanxi", Name: "三溪镇", FullName: "旌德县三溪镇人民政府"}
	allocated := func(data []byte) (uint64, error) {
		var m0, m1 runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m0)
		_, err := sheet.ParseXLSX(data, unit, nil)
		runtime.ReadMemStats(&m1)
		return m1.TotalAlloc - m0.TotalAlloc, err
	}
	a, err := allocated(huge)
	if catalog.ErrorCode(err) != catalog.EINVALID {
		t.Fatalf("huge sheet: %v", err)
	}
	atLimit, err := allocated(hugeWorkbook(t, sheet.MaxRows))
	if err != nil {
		t.Fatalf("a sheet at the limit: %v", err)
	}
	t.Logf("%d rows, %d KB: %d MB allocated; %d rows: %d MB", 10*sheet.MaxRows, len(huge)>>10, a>>20, sheet.MaxRows, atLimit>>20)
	if a > 2*atLimit {
		t.Errorf("refusing a sheet of %d rows allocated %d MB, reading one of %d rows %d MB", 10*sheet.MaxRows, a>>20, sheet.MaxRows, atLimit>>20)
	}
}
