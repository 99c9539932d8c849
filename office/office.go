// Package office converts the office formats Go has no well-kept reader
// for — Word 97–2003 and WPS text (.doc, .wps), Excel 97–2003 and WPS
// spreadsheets (.xls, .et) — with LibreOffice, whose import filters are the
// most widely used readers of them. Each conversion is a separate process
// with its own empty profile, no network, a memory limit (prlimit) and a
// deadline, at most two at a time, so a hostile file can at worst fail its
// own conversion; what it writes is then read as any upload.
package office

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// find is the LibreOffice program when the component whose library is lib
// is installed, else "".
func find(lib string) string {
	for _, p := range []string{"soffice", "libreoffice"} {
		path, err := exec.LookPath(p)
		if err != nil {
			continue
		}
		real, err := filepath.EvalSymlinks(path)
		if err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(real), lib)); err == nil {
			return path
		}
	}
	return ""
}

// Calc and Writer are the LibreOffice program where its spreadsheet
// (Debian's libreoffice-calc-nogui) or text part (libreoffice-writer-nogui)
// is installed; "" where it is not.
var (
	Calc   = find("libsclo.so")
	Writer = find("libswlo.so")
)

// Timeout bounds one conversion; Memory the converter's address space.
const (
	Timeout = 60 * time.Second
	Memory  = 2 << 30
)

// slots admits two conversions at a time; a third waits up to Wait.
var slots = make(chan struct{}, 2)

// Wait is how long a conversion waits for a slot.
const Wait = 20 * time.Second

// Errors: the program is missing, it is busy, it took too long.
var (
	ErrMissing = errors.New("office: LibreOffice is not installed")
	ErrBusy    = errors.New("office: busy")
	ErrTimeout = errors.New("office: conversion timed out")
)

// Convert runs program (Calc or Writer) on data, a file of extension ext
// (".xls"), to the format to ("xlsx", "txt:Text (encoded):UTF8"), and gives
// what it wrote. The error says what failed, with the converter's last
// line.
func Convert(program string, data []byte, ext, to string) ([]byte, error) {
	if program == "" {
		return nil, ErrMissing
	}
	wait := time.NewTimer(Wait)
	defer wait.Stop()
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	case <-wait.C:
		return nil, ErrBusy
	}
	dir, err := os.MkdirTemp("", "gongkai-office-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in"+ext)
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	args := []string{program, "--headless", "--norestore", "--nolockcheck", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", to, "--outdir", filepath.Join(dir, "out"), in}
	if limiter, err := exec.LookPath("prlimit"); err == nil {
		args = append([]string{limiter, "--as=" + strconv.FormatInt(Memory, 10), "--"}, args...)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir, cmd.Env = dir, []string{"HOME=" + dir, "PATH=/usr/bin:/bin", "LANG=C.UTF-8"}
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			return nil, ErrTimeout
		}
		return nil, fmt.Errorf("office: %s", LastLine(string(msg)))
	}
	outExt, _, _ := strings.Cut(to, ":")
	out, err := os.ReadFile(filepath.Join(dir, "out", "in."+outExt))
	if err != nil {
		return nil, fmt.Errorf("office: nothing written: not such a file")
	}
	return out, nil
}

// LastLine is the last line of a converter's output, at most 200 bytes.
func LastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	if len(s) > 200 {
		s = s[:200]
	}
	return s
}
