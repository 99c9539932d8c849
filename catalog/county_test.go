package catalog

import (
	"testing"
	"time"
)

func TestCheckDivisionCode(t *testing.T) {
	for code, ok := range map[string]bool{"341825": true, "110101": true, "820001": true, "341800": false, "340000": false,
		"991825": false, "34182": false, "3418255": false, "34182a": false, "": false} {
		if err := CheckDivisionCode(code); (err == nil) != ok {
			t.Errorf("%q: %v", code, err)
		}
	}
}

// TestCountyValidate: the name's ending, the office's code, a minimum
// consultation period needs its basis, and the 索引号 pattern names the
// unit, the month and the serial.
func TestCountyValidate(t *testing.T) {
	good := NewCounty("青山县", "341899", "county-office")
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*County){
		"name":               func(c *County) { c.Name = "青山" },
		"office":             func(c *County) { c.Office = "县政府办" },
		"court":              func(c *County) { c.Court = " " },
		"consultation_basis": func(c *County) { c.ConsultationDays = 10 },
		"consultation_days":  func(c *County) { c.ConsultationDays = 400; c.ConsultationBasis = "某规定" },
		"index_pattern":      func(c *County) { c.IndexPattern = "{org}-{serial}" },
	}
	for field, change := range cases {
		c := good
		change(&c)
		if err := c.Validate(); ErrorCode(err) != EINVALID || err.(*Error).Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
	for _, p := range []string{"{unit}/{yyyymm}-{serial}", OrgIndexPattern, "{org}-{yyyy}-{mm}-{serial}"} {
		c := good
		c.IndexPattern = p
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	for _, p := range []string{"{org}/{yyyymm}", "{yyyymm}-{serial}", "{org}/{yyyy}-{serial}", "{org}/{yyyymm}-{serial}{x}"} {
		c := good
		c.IndexPattern = p
		if err := c.Validate(); err == nil {
			t.Errorf("%s accepted", p)
		}
	}
}

func TestIndexNo(t *testing.T) {
	on := time.Date(2020, 12, 3, 0, 0, 0, 0, Shanghai)
	if got := IndexNo("", "miaoshou", "", on, 2); got != "miaoshou/202012-00002" {
		t.Errorf("default: %s", got)
	}
	if got := IndexNo(OrgIndexPattern, "miaoshou", "11341825003151084X", on, 12); got != "003151084/202012-00012" {
		t.Errorf("by organisation code: %s", got)
	}
	if got := IndexNo(OrgIndexPattern, "miaoshou", "", on, 12); got != "miaoshou/202012-00012" {
		t.Errorf("without a credit code: %s", got)
	}
}
