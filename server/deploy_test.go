package main

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"
	"gopkg.in/yaml.v3"

	"gongkai/dbconn"
)

// Docker cannot run here, so these tests read the deployment files and hold
// them against the configuration code: a variable renamed, a port moved or a
// command dropped fails here rather than on a county's server.

type composeFile struct {
	Services map[string]struct {
		Image   string         `yaml:"image"`
		Command []string       `yaml:"command"`
		Build   map[string]any `yaml:"build"`
		// Environment is a map in our file.
		Environment map[string]string         `yaml:"environment"`
		EnvFile     []map[string]any          `yaml:"env_file"`
		DependsOn   map[string]map[string]any `yaml:"depends_on"`
		Ports       []string                  `yaml:"ports"`
		Volumes     []string                  `yaml:"volumes"`
		Healthcheck map[string]any            `yaml:"healthcheck"`
	} `yaml:"services"`
	Volumes map[string]any `yaml:"volumes"`
}

var substitution = regexp.MustCompile(`\$\{([A-Z_]+)(?::-([^}]*))?\}`)

// interpolate does what compose does with ${VAR:-default} when VAR is unset.
func interpolate(s string) string {
	return substitution.ReplaceAllStringFunc(s, func(m string) string { return substitution.FindStringSubmatch(m)[2] })
}

func knownVar(name string) bool {
	for _, v := range envVars {
		if v.Name == name {
			return true
		}
	}
	return false
}

func TestComposeFileAgreesWithTheCode(t *testing.T) {
	b, err := os.ReadFile("../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var f composeFile
	if err := yaml.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	db, ok := f.Services["mysql"]
	if !ok {
		t.Fatal("no mysql service")
	}
	if !strings.HasPrefix(db.Image, "mysql:8.4") || !strings.Contains(strings.Join(db.Command, " "), "--character-set-server=utf8mb4") || db.Healthcheck == nil {
		t.Errorf("mysql service: image %q, command %v, healthcheck %v", db.Image, db.Command, db.Healthcheck)
	}
	g, ok := f.Services["gongkai"]
	if !ok {
		t.Fatal("no gongkai service")
	}
	if g.DependsOn["mysql"]["condition"] != "service_healthy" {
		t.Errorf("gongkai does not wait for a healthy mysql: %v", g.DependsOn)
	}
	if df, _ := g.Build["dockerfile"].(string); df == "" {
		t.Error("gongkai is not built from a Dockerfile")
	} else if _, err := os.Stat(filepath.Join("..", df)); err != nil {
		t.Errorf("dockerfile %s: %v", df, err)
	}
	env := map[string]string{}
	for k, v := range g.Environment {
		if !knownVar(k) {
			t.Errorf("compose sets %s, which the server does not read", k)
		}
		env[k] = interpolate(v)
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the compose environment is refused: %v", err)
	}
	if cfg.Driver != dbconn.MySQL || cfg.MetricsAddr == "" {
		t.Errorf("compose config: driver %s, metrics %q", cfg.Driver, cfg.MetricsAddr)
	}
	dsn, err := mysql.ParseDSN(dbconn.MySQLDSN(cfg.DSN))
	if err != nil {
		t.Fatal(err)
	}
	host := dsn.Addr[:strings.LastIndex(dsn.Addr, ":")]
	if _, ok := f.Services[host]; !ok {
		t.Errorf("the DSN's host %q is not a service", host)
	}
	if dsn.DBName != db.Environment["MYSQL_DATABASE"] || dsn.User != db.Environment["MYSQL_USER"] || dsn.Passwd != interpolate(db.Environment["MYSQL_PASSWORD"]) {
		t.Errorf("the DSN %s does not match the mysql service's database, user and password", cfg.DSN)
	}
	// The published ports reach the ports the server listens on.
	published := map[string]bool{}
	for _, p := range g.Ports {
		parts := strings.Split(p, ":")
		published[parts[len(parts)-1]] = true
	}
	for name, addr := range map[string]string{"GONGKAI_ADDR": cfg.Addr, "GONGKAI_METRICS_ADDR": cfg.MetricsAddr} {
		port := addr[strings.LastIndex(addr, ":")+1:]
		if !published[port] {
			t.Errorf("%s listens on %s, which compose does not publish (%v)", name, port, g.Ports)
		}
		if !strings.HasPrefix(addr, "0.0.0.0:") {
			t.Errorf("%s=%s cannot be reached from outside the container", name, addr)
		}
	}
	// Named volumes hold the database and the data directory.
	mounted := map[string]string{}
	for _, svc := range []string{"mysql", "gongkai"} {
		for _, v := range f.Services[svc].Volumes {
			parts := strings.SplitN(v, ":", 3)
			if _, ok := f.Volumes[parts[0]]; !ok {
				t.Errorf("%s mounts %q, not a named volume", svc, v)
			}
			mounted[svc+parts[1]] = parts[0]
		}
	}
	if mounted["gongkai"+cfg.DataDir] == "" || mounted["mysql/var/lib/mysql"] == "" {
		t.Errorf("volumes %v: want the data directory %s and /var/lib/mysql kept", mounted, cfg.DataDir)
	}
	if len(g.EnvFile) == 0 || g.EnvFile[0]["path"] != ".env" {
		t.Errorf("gongkai does not read .env: %v", g.EnvFile)
	}
}

func TestEnvExampleListsEveryVariable(t *testing.T) {
	b, err := os.ReadFile("../deploy/gongkai.env.example")
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^#?(GONGKAI_[A-Z_]+)=(.*)$`)
	listed := map[string]string{}
	set := map[string]string{}
	for _, m := range line.FindAllStringSubmatch(string(b), -1) {
		listed[m[1]] = m[2]
		if !strings.HasPrefix(m[0], "#") {
			set[m[1]] = m[2]
		}
	}
	for _, v := range envVars {
		if _, ok := listed[v.Name]; !ok {
			t.Errorf("%s is missing from deploy/gongkai.env.example", v.Name)
		}
	}
	for name := range listed {
		if !knownVar(name) && name != "GONGKAI_MYSQL_PASSWORD" && name != "GONGKAI_MYSQL_ROOT_PASSWORD" {
			t.Errorf("the example lists %s, which the server does not read", name)
		}
	}
	// Its values are accepted: the set ones together, each commented one
	// on its own.
	if _, err := loadConfig(func(k string) string { return set[k] }); err != nil {
		t.Errorf("the example's settings are refused: %v", err)
	}
	// A variable that needs another is tried with the example's value of
	// that one too.
	needs := map[string][]string{"GONGKAI_SMTP_ADDR": {"GONGKAI_SMTP_FROM"}}
	for name, v := range listed {
		if _, isSet := set[name]; isSet || v == "" {
			continue
		}
		if _, err := loadConfig(func(k string) string {
			if k == name {
				return v
			}
			if slices.Contains(needs[name], k) {
				return listed[k]
			}
			return ""
		}); err != nil {
			t.Errorf("the example's %s=%s is refused: %v", name, v, err)
		}
	}
}

func TestDockerfileAndUnit(t *testing.T) {
	b, err := os.ReadFile("../deploy/Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	stages := strings.Count(df, "\nFROM ") + map[bool]int{true: 1}[strings.HasPrefix(df, "FROM ")]
	for _, want := range []string{"CGO_ENABLED=0", "FROM scratch", "USER 65532:65532", "EXPOSE 8080 9464"} {
		if !strings.Contains(df, want) {
			t.Errorf("Dockerfile lacks %q", want)
		}
	}
	if stages < 2 {
		t.Errorf("Dockerfile has %d stages, want a multi-stage build", stages)
	}
	hc := regexp.MustCompile(`HEALTHCHECK .*CMD \["/gongkai", "([a-z]+)"\]`).FindStringSubmatch(df)
	if hc == nil {
		t.Fatal("Dockerfile has no HEALTHCHECK running the binary")
	}
	if c, _ := findCommand([]string{hc[1]}); c == nil {
		t.Errorf("the HEALTHCHECK runs %q, which is not a command", hc[1])
	}
	env := map[string]string{}
	for _, m := range regexp.MustCompile(`(GONGKAI_[A-Z_]+)=(\S+)`).FindAllStringSubmatch(df, -1) {
		env[m[1]] = m[2]
		if !knownVar(m[1]) {
			t.Errorf("Dockerfile sets %s, which the server does not read", m[1])
		}
	}
	cfg, err := loadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("the image's environment is refused: %v", err)
	}
	for _, addr := range []string{cfg.Addr, cfg.MetricsAddr} {
		if port := addr[strings.LastIndex(addr, ":")+1:]; !strings.Contains(df, "EXPOSE") || !regexp.MustCompile(`EXPOSE .*\b`+port+`\b`).MatchString(df) {
			t.Errorf("the image listens on %s but does not expose it", addr)
		}
	}

	b, err = os.ReadFile("../deploy/gongkai.service")
	if err != nil {
		t.Fatal(err)
	}
	unit := string(b)
	for _, want := range []string{"EnvironmentFile=/etc/gongkai/gongkai.env", "User=gongkai", "KillSignal=SIGTERM", "Restart=on-failure"} {
		if !strings.Contains(unit, want) {
			t.Errorf("gongkai.service lacks %q", want)
		}
	}
	for _, m := range regexp.MustCompile(`(?m)^Exec\w+=/usr/local/bin/gongkai (.+)$`).FindAllStringSubmatch(unit, -1) {
		if c, _ := findCommand(strings.Fields(m[1])); c == nil {
			t.Errorf("gongkai.service runs %q, which is not a command", m[1])
		}
	}
}

func TestREADMEListsEveryVariableAndCommand(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range envVars {
		if !strings.Contains(string(b), "| `"+v.Name+"` |") {
			t.Errorf("README's configuration table lacks %s", v.Name)
		}
	}
	for _, c := range commands {
		if !strings.Contains(string(b), "`"+c.name) {
			t.Errorf("README does not mention the command %q", c.name)
		}
	}
}
