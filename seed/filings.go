package seed

import (
	"context"
	"fmt"
	"time"

	"gongkai/catalog"
	"gongkai/filing"
	fstore "gongkai/filing/gormstore"
)

func day(s string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", s, catalog.Shanghai)
	return t
}

// Filings loads the demo filing records (备案表): every unit filed in 2020
// but 气象局, which never did; 孙村镇 changed its publisher three times within
// a year (the Q1 bulletin's 发布员变动频繁); 数据资源局's is the real one in
// the seed (2020-09-24).
func Filings(ctx context.Context, st *fstore.Store) error {
	for i, u := range units {
		var fs []filing.Filing
		base := filing.Filing{UnitCode: u.code, Leader: filing.Person{Name: u.name + "分管负责人", Post: "分管负责人", Phone: "0563-80240" + fmt.Sprintf("%02d", i)},
			Office: filing.Office{Name: "党政办公室", Head: u.name + "办公室主任", Phone: "0563-80241" + fmt.Sprintf("%02d", i)}}
		pub := func(name string) []filing.Person {
			return []filing.Person{{Name: name, Post: "信息发布员", Phone: "0563-80242" + fmt.Sprintf("%02d", i)}}
		}
		switch u.code {
		case "qixiangju":
			continue
		case "shujuju":
			f := base
			f.Leader = filing.Person{Name: "徐业华", Post: "党组成员、副局长", Phone: "0563-8028026"}
			f.Publishers = []filing.Person{{Name: "曹孝丽", Post: "办事员", Phone: "0563-8601720"}}
			f.Office = filing.Office{Name: "办公室", Head: "叶敏", Phone: "0563-8601720"}
			f.Email, f.FiledOn = "jdxzwzx@163.com", day("2020-09-24")
			fs = append(fs, f)
		case "suncun":
			for j, d := range []string{"2019-06-10", "2019-10-15", "2020-01-08", "2020-03-20"} {
				f := base
				f.Publishers, f.FiledOn = pub(fmt.Sprintf("孙村镇信息发布员%d", j+1)), day(d)
				fs = append(fs, f)
			}
		default:
			f := base
			f.Publishers, f.FiledOn = pub(u.name+"信息专管员"), day("2020-09-24")
			if u.code == "zhengfuban" { // the fax and mailbox its 依申请公开 guide gives
				f.Fax, f.Email = "0563-8026519", "jdxzwzx@163.com"
			}
			fs = append(fs, f)
		}
		for j, f := range fs {
			if err := st.EnsureFiling(ctx, fmt.Sprintf("%s/%d", u.code, j), f); err != nil {
				return fmt.Errorf("seed: filing of %s: %w", u.code, err)
			}
		}
	}
	return nil
}
