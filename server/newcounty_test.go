package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"gongkai/catalog"
)

// TestANewCountyGoesLive walks a county that is not 旌德县 from an empty
// database to a publication on its kiosk, through the built binary as an
// operator would (deploy/README.md): init prints the first accounts; each
// must change its password; the county office adds two townships and a
// department; the system administrator opens a clerk's and a leader's
// account and the security administrator binds their roles; the clerk's
// publication goes through the leader's review onto the kiosk, under the
// new county's name. Neither 旌德 nor 庙首 is on its kiosk pages, its
// answer letter or its exports. A second init refuses.
func TestANewCountyGoesLive(t *testing.T) {
	env := append(dbEnv(t, t.TempDir()), "GONGKAI_DEMO=off")
	out, errOut, code := runBinary(t, env, "init", "--county-name", "青山县", "--division-code", "341899", "--office-name", "青山县人民政府办公室", "--office-code", "qs-office")
	if code != 0 {
		t.Fatalf("init: exit %d\n%s\n%s", code, out, errOut)
	}
	passwords := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "account" {
			passwords[f[1]] = f[2]
		}
	}
	if len(passwords) != 4 || passwords["admin"] == "" || passwords["sysadmin"] == "" || passwords["secadmin"] == "" || passwords["auditor"] == "" {
		t.Fatalf("init printed %q", out)
	}
	if _, errOut, code := runBinary(t, env, "init", "--county-name", "别的县", "--division-code", "341898", "--office-name", "别的县人民政府办公室"); code != 1 || !strings.Contains(errOut, "已有单位") {
		t.Errorf("a second init: exit %d %s", code, errOut)
	}
	p := startServer(t, env...)
	// Each first password works once, for the password change only.
	signIn := func(username, password string) *httpClient {
		t.Helper()
		h := newHTTPClient(p.base)
		h.signIn(t, username, password)
		if st, b, _ := h.do("GET", "/api/v1/units/qs-office/publications", nil); st != 403 || !strings.Contains(string(b), "password_change_required") {
			t.Errorf("%s before changing the password: %d %s", username, st, b)
		}
		if st, b, _ := h.do("PUT", "/api/v1/session/password", map[string]string{"old_password": password, "password": "Qingshan-2026-" + username}); st != 204 {
			t.Fatalf("%s changing the password: %d %s", username, st, b)
		}
		return h
	}
	must := func(h *httpClient, want int, method, path string, body any) []byte {
		t.Helper()
		st, b, err := h.do(method, path, body)
		if err != nil || st != want {
			t.Fatalf("%s %s: %d %s %v\n%s", method, path, st, b, err, p.logs.String())
		}
		return b
	}
	admin := signIn("admin", passwords["admin"])
	var county catalog.County
	json.Unmarshal(must(newHTTPClient(p.base), 200, "GET", "/api/v1/county", nil), &county)
	if county.Name != "青山县" || county.Office != "qs-office" || county.Court != "青山县人民法院" {
		t.Errorf("county %+v", county)
	}
	must(admin, 201, "POST", "/api/v1/units", map[string]string{"code": "dongshan", "name": "东山镇", "full_name": "青山县东山镇人民政府", "level": "township", "kind": "town"})
	must(admin, 201, "POST", "/api/v1/units", map[string]string{"code": "xishan", "name": "西山乡", "full_name": "青山县西山乡人民政府", "level": "township", "kind": "town"})
	must(admin, 201, "POST", "/api/v1/units", map[string]string{"code": "minzhengju", "name": "民政局", "full_name": "青山县民政局", "level": "county", "kind": "department"})
	must(admin, 200, "POST", "/api/v1/units/minzhengju/domains", map[string]any{"domains": []string{"shjz"}})

	sys := signIn("sysadmin", passwords["sysadmin"])
	ids := map[string]int64{}
	for _, u := range []string{"dongshan-clerk", "dongshan-leader"} {
		var made struct{ ID int64 }
		json.Unmarshal(must(sys, 201, "POST", "/api/v1/users", map[string]string{"username": u, "display_name": u, "unit_code": "dongshan", "password": "First-2026-" + u}), &made)
		ids[u] = made.ID
	}
	sec := signIn("secadmin", passwords["secadmin"])
	must(sec, 201, "POST", fmt.Sprintf("/api/v1/users/%d/grants", ids["dongshan-clerk"]), map[string]string{"role": "clerk", "unit": "dongshan"})
	must(sec, 201, "POST", fmt.Sprintf("/api/v1/users/%d/grants", ids["dongshan-leader"]), map[string]string{"role": "leader", "unit": "dongshan"})

	clerk := signIn("dongshan-clerk", "First-2026-dongshan-clerk")
	leader := signIn("dongshan-leader", "First-2026-dongshan-leader")
	var items []catalog.Item
	json.Unmarshal(must(clerk, 200, "GET", "/api/v1/units/dongshan/items", nil), &items)
	if len(items) == 0 {
		t.Fatal("the new township has no catalogue")
	}
	var item catalog.Item
	for _, it := range items {
		if !strings.Contains(it.Level2, "征求意见") {
			item = it
			break
		}
	}
	var pub catalog.Publication
	json.Unmarshal(must(clerk, 201, "POST", fmt.Sprintf("/api/v1/items/%d/publications", item.ID),
		map[string]any{"title": "东山镇2026年第一次公开", "topic": "综合政务", "body": "东山镇的第一条公开信息。", "generated_on": time.Now().Format("2006-01-02")}), &pub)
	must(clerk, 200, "POST", fmt.Sprintf("/api/v1/publications/%d/submit", pub.ID), submitBody)
	must(leader, 200, "POST", fmt.Sprintf("/api/v1/publications/%d/approve", pub.ID), nil)

	kiosk := newHTTPClient(p.base)
	pages := map[string][]byte{}
	for _, path := range []string{"/kiosk/", "/kiosk/units", "/kiosk/units/dongshan", fmt.Sprintf("/kiosk/publications/%d", pub.ID), "/kiosk/contacts", "/kiosk/apply", "/kiosk/progress"} {
		pages[path] = must(kiosk, 200, "GET", path, nil)
		if !bytes.Contains(pages[path], []byte("青山县政务公开查询")) {
			t.Errorf("%s lacks the county's title", path)
		}
	}
	if !bytes.Contains(pages[fmt.Sprintf("/kiosk/publications/%d", pub.ID)], []byte("东山镇的第一条公开信息")) {
		t.Error("the approved publication is not on the kiosk")
	}
	// An application, answered by the county office with its letter.
	var receipt struct{ Number string }
	body := application()
	body["address"] = "青山县东山镇1号"
	json.Unmarshal(must(kiosk, 201, "POST", "/api/v1/requests", body), &receipt)
	must(admin, 200, "POST", "/api/v1/requests/"+receipt.Number+"/answer", map[string]any{"outcome": "disclose", "text": "现将文件纸质版提供给你。"})
	letter := must(admin, 200, "GET", "/admin/requests/"+receipt.Number+"/letter", nil)
	if !bytes.Contains(letter, []byte("青山县人民法院")) {
		t.Error("the answer letter does not name the county's court")
	}
	exports := map[string][]byte{"letter": letter,
		"catalogue.csv": must(kiosk, 200, "GET", "/api/v1/units/dongshan/catalog.csv", nil)}
	for _, path := range []string{"/api/v1/units/dongshan/catalog.xlsx", "/api/v1/directory.xlsx"} {
		exports[path] = xlsxText(t, must(admin, 200, "GET", path, nil))
	}
	if !bytes.Contains(exports["/api/v1/directory.xlsx"], []byte("青山县政务公开机构人员名录")) {
		t.Error("the directory's title is not the county's")
	}
	for name, b := range pages {
		exports[name] = b
	}
	for name, b := range exports {
		for _, word := range []string{"旌德", "庙首"} {
			if bytes.Contains(b, []byte(word)) {
				t.Errorf("%s says %s", name, word)
			}
		}
	}
}

// xlsxText is every cell of a workbook, one per line.
func xlsxText(t *testing.T, data []byte) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b bytes.Buffer
	for _, sh := range f.GetSheetList() {
		rows, err := f.GetRows(sh)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			b.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return b.Bytes()
}

// TestInitWithAUnitList: init --units creates every unit of a directory
// workbook with its catalogue, codes from the names' pinyin unless given;
// a list with a mistake is refused row by row (exit 2) and stores nothing.
func TestInitWithAUnitList(t *testing.T) {
	workbook := func(rows ...[]any) string {
		t.Helper()
		f := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		path := filepath.Join(t.TempDir(), "units.xlsx")
		if err := f.SaveAs(path); err != nil {
			t.Fatal(err)
		}
		return path
	}
	header := []any{"序号", "单位", "全称", "层级", "单位代码", "联系电话"}
	env := append(dbEnv(t, t.TempDir()), "GONGKAI_DEMO=off")
	args := []string{"init", "--county-name", "青山县", "--division-code", "341899", "--office-name", "青山县人民政府办公室", "--units"}
	bad := workbook(header, []any{1, "东山镇", "青山县东山镇人民政府", "乡级", "", "13912345678"}, []any{2, "东山镇", "青山县东山镇政府", "乡级", "dongshan2"},
		[]any{3, "民政局", "", "县级"})
	_, errOut, code := runBinary(t, env, append(args, bad)...)
	for _, want := range []string{"第2行 联系电话", "第3行 单位", "第4行 全称"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the refusal lacks %q:\n%s", want, errOut)
		}
	}
	if code != 2 {
		t.Errorf("a list with mistakes: exit %d", code)
	}
	good := workbook(header, []any{1, "东山镇", "青山县东山镇人民政府", "乡级", "", "0563-8001234"}, []any{2, "民政局", "青山县民政局", "县级", "mzj"})
	out, errOut, code := runBinary(t, env, append(args, good)...)
	if code != 0 || !strings.Contains(out, "created 2 units") {
		t.Fatalf("init with the list: exit %d\n%s\n%s", code, out, errOut)
	}
	p := startServer(t, env...)
	var units []catalog.Unit
	_, b, _ := newHTTPClient(p.base).do("GET", "/api/v1/units", nil)
	json.Unmarshal(b, &units)
	got := map[string]catalog.Unit{}
	for _, u := range units {
		got[u.Code] = u
	}
	if len(units) != 3 || got["dongshanzhen"].Level != catalog.LevelTownship || got["dongshanzhen"].Phone != "0563-8001234" || got["mzj"].Kind != catalog.KindDepartment {
		t.Errorf("units %+v", units)
	}
}
