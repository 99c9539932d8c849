package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"gongkai/backup"
)

// backupTarget is the installation the configuration names.
func (cl *cli) backupTarget() backup.Target {
	return backup.Target{Driver: cl.cfg.Driver, DSN: cl.cfg.DSN, DataDir: cl.cfg.DataDir, AttachmentDir: cl.cfg.attachmentDir(),
		KeyGiven: cl.cfg.SecretKey != nil, Schema: schemaVersion, Progress: cl.progress}
}

func runBackup(ctx context.Context, cl *cli, fs *flag.FlagSet, _ []string) int {
	out := flagString(fs, "o")
	if out == "" {
		out = "gongkai-backup-" + time.Now().Format("20060102-150405") + ".tar.gz"
	}
	m, err := backup.Write(ctx, cl.backupTarget(), out, flagString(fs, "without-key") != "true")
	if err != nil {
		os.Remove(out)
		return cl.fail(err)
	}
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	fmt.Fprintf(cl.out, "备份完成：%s（%d张表%d行，附件%d个%d字节）\n", out, len(m.Tables), rows, m.Attachments.Files, m.Attachments.Bytes)
	return exitOK
}

func runRestore(ctx context.Context, cl *cli, fs *flag.FlagSet, args []string) int {
	m, err := backup.Restore(ctx, cl.backupTarget(), args[0], flagString(fs, "force") == "true")
	if err != nil {
		return cl.fail(err)
	}
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	fmt.Fprintf(cl.out, "恢复完成：%d张表%d行、附件%d个，均与备份清单一致（备份于%s）\n", len(m.Tables), rows, m.Attachments.Files,
		m.Created.In(time.Local).Format("2006-01-02 15:04:05"))
	return exitOK
}
