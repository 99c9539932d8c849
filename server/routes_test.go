package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gongkai/catalog"
	"gongkai/rbac"
)

// TestWritesRequireAuthorisation walks the route table: every state-changing
// route must carry a rbac Require, unless it is one of the listed public writes.
func TestWritesRequireAuthorisation(t *testing.T) {
	ts := sharedServer(t)
	writes := 0
	for _, r := range ts.app.GetRoutes(true) {
		switch r.Method {
		case "POST", "PUT", "PATCH", "DELETE":
		default:
			continue
		}
		writes++
		key := r.Method + " " + r.Path
		guarded := false
		for _, h := range r.Handlers {
			if rbac.IsRequire(h) {
				guarded = true
			}
		}
		if !guarded && !publicWrites[key] {
			t.Errorf("%s changes state without an authorisation requirement", key)
		}
		if guarded && publicWrites[key] {
			t.Errorf("%s is listed as public but guarded; fix the list", key)
		}
	}
	if writes < 8 {
		t.Errorf("only %d write routes found; is the route table walked?", writes)
	}
}

// TestIsRequireDetectsOtherHandlers keeps the route-table test honest.
func TestIsRequireDetectsOtherHandlers(t *testing.T) {
	ts := sharedServer(t)
	if rbac.IsRequire(ts.s.handleHealth) {
		t.Error("a plain handler is taken for an authorisation check")
	}
	if !rbac.IsRequire(ts.s.authz.Require(rbac.ObjCatalog, rbac.ActWrite, rbac.Param("code"))) {
		t.Error("Require is not recognised")
	}
}

// TestRestartKeepsRows opens the same database again, as a restart does, and
// finds every row and the session still there.
func TestRestartKeepsRows(t *testing.T) {
	ts := newTestServer(t, true)
	ms := ts.login("miaoshou-clerk")
	r := ms.do("POST", "/api/v1/units/miaoshou/items", newItemBody("重启后仍在"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	ctx := context.Background()
	before, err := ts.s.catalog.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ts.s.close()

	// Demo left at its default: the embedded file is not new, so no seeding.
	cfg := ts.cfg
	cfg.DemoSet = false
	again := openTestServer(t, cfg)
	after, err := again.s.catalog.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range before {
		if after[table] != n {
			t.Errorf("%s: %d rows before restart, %d after", table, n, after[table])
		}
	}
	c := &client{ts: again, cookie: ms.cookie}
	if r := c.do("GET", "/api/v1/session", nil); r.status != 200 {
		t.Errorf("session lost across restart: %d", r.status)
	}
	var items []catalog.Item
	again.anon().do("GET", "/api/v1/units/miaoshou/items", nil).decode(t, &items)
	found := false
	for _, it := range items {
		found = found || it.Level2 == "重启后仍在"
	}
	if !found {
		t.Error("item created before the restart is gone")
	}
}

func TestWithoutDemoData(t *testing.T) {
	ts := newTestServer(t, false)
	var us []catalog.Unit
	ts.anon().do("GET", "/api/v1/units", nil).decode(t, &us)
	if len(us) != 0 {
		t.Errorf("%d units without demo data", len(us))
	}
	var ds []catalog.Domain
	ts.anon().do("GET", "/api/v1/domains", nil).decode(t, &ds)
	if len(ds) < 26 {
		t.Errorf("reference domains missing: %d", len(ds))
	}
	if r := ts.anon().do("POST", "/api/v1/session", map[string]string{"username": "admin", "password": "Demo-2026-gongkai"}); r.status != 401 {
		t.Errorf("demo admin exists without demo data: %d", r.status)
	}
}

// TestDomainPackagesStayPure keeps gorm and Fiber out of the domain
// packages and the services beside them.
func TestDomainPackagesStayPure(t *testing.T) {
	for _, pkg := range []string{"gongkai/catalog", "gongkai/catalog/sheet", "gongkai/workday", "gongkai/account", "gongkai/foi", "gongkai/search", "gongkai/secret",
		"gongkai/filing", "gongkai/inspect", "gongkai/attach", "gongkai/doctext", "gongkai/notify", "gongkai/notify/smtpmail"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "gorm.io/") || strings.HasPrefix(dep, "github.com/gofiber/") || strings.HasPrefix(dep, "github.com/valyala/") {
				t.Errorf("%s depends on %s", pkg, dep)
			}
		}
	}
}

// TestNoInterfaceTakesAFiberContext: services are called with a context
// and the acting person, so the API, the back office and the console share
// them; no interface of ours has a method taking *fiber.Ctx.
func TestNoInterfaceTakesAFiberContext(t *testing.T) {
	files, err := filepath.Glob("../*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../*/*/*.go")
	iface := regexp.MustCompile(`(?s)type (\w+) interface \{(.*?)\n\}`)
	for _, f := range append(files, more...) {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range iface.FindAllSubmatch(b, -1) {
			if strings.Contains(string(m[2]), "fiber.Ctx") {
				t.Errorf("%s: interface %s has a method taking *fiber.Ctx", f, m[1])
			}
		}
	}
}
