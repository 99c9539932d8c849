package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/hotline"
)

// TestOpen311FromAnotherSystem: the county's IT staff issue a key with
// `apikey add`; the provincial platform, an HTTP client of its own, reads
// the service types, posts a request with the key and reads its status
// as the order goes round; a wrong or revoked key is refused, and no one
// without the key reads an unpublished order; the caller's phone appears
// in no answer.
func TestOpen311FromAnotherSystem(t *testing.T) {
	dir := t.TempDir()
	env := dbEnv(t, dir)
	initCounty(t, env)
	out, errOut, code := runBinary(t, env, "apikey", "add", "--channel", "provincial", "sheng12345")
	f := strings.Fields(out)
	if code != 0 || len(f) != 3 || f[0] != "apikey" || f[1] != "sheng12345" || !strings.HasPrefix(f[2], "gk_") {
		t.Fatalf("apikey add: exit %d %q %s", code, out, errOut)
	}
	key := f[2]
	out2, _, _ := runBinary(t, env, "apikey", "add", "--channel", "provincial", "other-platform")
	otherKey := strings.Fields(out2)[2]
	if _, e, code := runBinary(t, env, "apikey", "add", "sheng12345"); code != exitFail || !strings.Contains(e, "已存在") {
		t.Errorf("a name twice: exit %d %s", code, e)
	}
	if _, e, code := runBinary(t, env, "apikey", "add", "--channel", "fax", "other"); code != exitUsage || !strings.Contains(e, "渠道") {
		t.Errorf("a bad channel: exit %d %s", code, e)
	}
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, Driver: envValue(env, "GONGKAI_DB_DRIVER"), DSN: envValue(env, "GONGKAI_DB_DSN"), DemoSet: true,
		MaxUpload: 1 << 20, RectifyWorkdays: 5, AuditRetentionDays: 190, ApplicationsPerHour: testApplicationsPerHour, KioskIdle: 120, KioskCountdown: 30}
	ts := openTestServer(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go ts.app.Listener(ln)
	t.Cleanup(func() { ts.app.Shutdown() })
	base := "http://" + ln.Addr().String() + "/open311/v2"
	get := func(path string, v any) int {
		t.Helper()
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		if strings.Contains(string(b), "13905631234") {
			t.Errorf("%s shows the phone: %s", path, b)
		}
		if v != nil && res.StatusCode == 200 {
			if err := json.Unmarshal(b, v); err != nil {
				t.Fatalf("%s: %v %s", path, err, b)
			}
		}
		return res.StatusCode
	}
	var services []struct {
		Code string `json:"service_code"`
		Name string `json:"service_name"`
	}
	if get("/services.json", &services) != 200 || len(services) != len(hotline.Categories) || services[1].Code != "complaint" || services[1].Name != "投诉" {
		t.Fatalf("services: %+v", services)
	}
	post := func(form url.Values) (int, []map[string]any) {
		t.Helper()
		res, err := http.PostForm(base+"/requests.json", form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out []map[string]any
		b, _ := io.ReadAll(res.Body)
		json.Unmarshal(b, &out)
		return res.StatusCode, out
	}
	form := url.Values{"api_key": {key}, "service_code": {"complaint"}, "description": {"县城东门菜市场周边夜间施工噪音扰民，持续一周。"},
		"last_name": {"赵"}, "first_name": {"六"}, "phone": {"13905631234"}, "address_string": {"旌阳镇东门菜市场"}}
	if status, body := post(url.Values{"api_key": {"gk_wrong"}, "service_code": {"complaint"}, "description": {"x"}}); status != 403 || len(body) != 1 || body[0]["code"] != float64(403) {
		t.Errorf("a wrong key: %d %v", status, body)
	}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("service_code", "noise")
	if status, body := post(bad); status != 400 || !strings.Contains(body[0]["description"].(string), "service_code") {
		t.Errorf("a bad service code: %d %v", status, body)
	}
	status, body := post(form)
	if status != 201 || len(body) != 1 {
		t.Fatalf("post: %d %v", status, body)
	}
	id := body[0]["service_request_id"].(string)
	type request struct {
		ID     string `json:"service_request_id"`
		Status string `json:"status"`
		Notes  string `json:"status_notes"`
		Agency string `json:"agency_responsible"`
	}
	var got []request
	if get("/requests/"+id+".json?api_key="+key, &got) != 200 || len(got) != 1 || got[0].Status != "open" || !strings.Contains(got[0].Notes, "已受理") {
		t.Fatalf("status: %+v", got)
	}
	if code := get("/requests/"+id+".json", nil); code != 404 {
		t.Errorf("read without the key: %d", code)
	}
	if code := get("/requests/"+id+".json?api_key="+otherKey, nil); code != 404 {
		t.Errorf("another system's key of the same channel reads it: %d", code)
	}
	o, err := ts.s.stack.Orders.Find(t.Context(), id)
	if err != nil || o.Channel != hotline.Provincial || o.Name != "赵六" {
		t.Fatalf("the order: %+v %v", o, err)
	}
	// The county takes it round the loop.
	office := catalog.Actor{Username: "office"}
	county, _ := ts.s.stack.Catalog.County(t.Context())
	for _, s := range []hotline.Step{{Action: hotline.ActTransfer, Unit: county.Office}, {Action: hotline.ActClaim},
		{Action: hotline.ActReply, Text: "经核实，施工单位已调整作业时间，夜间22时后停止施工，城管部门将持续巡查。"}, {Action: hotline.ActClose}} {
		if _, err := ts.s.stack.Hotline.Step(t.Context(), id, s, 0, office); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	got = nil
	if get("/requests.json?api_key="+key+"&status=closed", &got) != 200 || len(got) != 1 || got[0].ID != id || !strings.Contains(got[0].Notes, "22时后停止施工") ||
		got[0].Agency != "青山县人民政府办公室" {
		t.Errorf("closed: %+v", got)
	}
	got = nil
	if get("/requests.json", &got) != 200 || len(got) != 0 {
		t.Errorf("unpublished orders listed without a key: %+v", got)
	}
	if out, e, code := runBinary(t, env, "apikey", "revoke", "sheng12345"); code != 0 || !strings.Contains(out, "已吊销") {
		t.Fatalf("revoke: %d %s %s", code, out, e)
	}
	if status, _ := post(form); status != 403 {
		t.Errorf("a revoked key posts: %d", status)
	}
}
