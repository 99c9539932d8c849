package foi_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gongkai/foi"
)

// TestAnnualReportOpensInLibreOffice: the Word document of a report, read
// by LibreOffice (as a county's staff would open it), holds the title and
// all six parts with their tables.
func TestAnnualReportOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("LibreOffice is not installed; .ci/run installs it")
		}
		t.Skip("LibreOffice not installed (apt-get install -y libreoffice-writer-nogui)")
	}
	on := func(s string) *time.Time { v := d(s); return &v }
	reqs := []foi.Request{{Applicant: foi.Applicant{Type: foi.Person}, ReceivedOn: d("2026-03-02"), DecidedOn: on("2026-03-20"), Outcome: "disclose"}}
	a := foi.AnnualDoc{Year: 2026, UnitName: "某县人民政府办公室", Requests: foi.AnnualReport(reqs, 2026, "x"),
		Reviews: foi.ReviewCounts{SuitAfterReview: [4]int{0, 1, 0, 0}},
		Parts: foi.AnnualParts{AnnualTexts: foi.AnnualTexts{Overview: "本年主动公开信息一千余条。", Problems: "解读形式单一。", Other: "无。"},
			Proactive: foi.Proactive{NormsMade: 7, Licensing: 321}, Entered: true}, FeesCharged: 100}
	if err := a.Check(); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var doc bytes.Buffer
	if err := a.DOCX(&doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "report.docx"), doc.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "txt:Text", "--outdir", dir, filepath.Join(dir, "report.docx"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	txt, err := os.ReadFile(filepath.Join(dir, "report.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(txt)
	for _, want := range []string{"某县人民政府办公室2026年政府信息公开工作年度报告", "一、总体情况", "本年主动公开信息一千余条", "二、主动公开政府信息情况",
		"行政规范性文件", "321", "三、收到和处理政府信息公开申请情况", "（七）总计", "四、政府信息公开行政复议、行政诉讼情况", "复议后起诉",
		"五、存在的主要问题及改进情况", "解读形式单一", "六、其他需要报告的事项", "收取政府信息公开信息处理费100元"} {
		if !strings.Contains(text, want) {
			t.Errorf("LibreOffice reads no %q", want)
		}
	}
}
