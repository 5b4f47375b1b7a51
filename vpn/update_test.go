package vpn

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/notify"
	"github.com/xecut/resident/notify/notifytest"
)

const botToken = "123456:test-token"

// newJob returns a job on temp files, notifying a fake Bot API, with its
// log in a buffer.
func newJob(tb testing.TB, last []byte, failReloads ...int) (*Job, *fakeReloader, *notifytest.FakeBotAPI, *bytes.Buffer) {
	tb.Helper()
	dir := tb.TempDir()
	var logBuf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logBuf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if last != nil {
		if err := os.WriteFile(filepath.Join(dir, "last.json"), last, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	in, r, _ := newInstaller(tb, nil, nil, failReloads...)
	in.Log = log
	bot := notifytest.NewFakeBotAPI(tb, botToken)
	tg := notify.NewTelegram(bot.URL(), botToken, []config.Target{{ChatID: -100123}}, log)
	return &Job{
		LastPath:  filepath.Join(dir, "last.json"),
		Interface: testIface,
		Admin:     testAdmin,
		Installer: in,
		Notifier:  tg,
		Log:       log,
		Host:      "gw",
	}, r, bot, &logBuf
}

func TestJobRun(t *testing.T) {
	t.Run("last.json missing: the admin alone", func(t *testing.T) {
		job, r, bot, log := newJob(t, nil)
		if err := job.Run(context.Background()); err != nil {
			t.Fatalf("Run() = %v", err)
		}
		conf, _ := renderLast(t, nil)
		if got := readFile(t, job.Installer.Path); got != string(conf) {
			t.Errorf("installed:\n%s\nwant the admin-only file", got)
		}
		if len(r.seen) != 1 || len(bot.Sent()) != 0 {
			t.Errorf("%d reloads, %d notifications; want 1 and 0", len(r.seen), len(bot.Sent()))
		}
		if !strings.Contains(log.String(), "no last.json") {
			t.Errorf("log does not say last.json is missing:\n%s", log)
		}
	})
	t.Run("data folder missing: nothing written, notified", func(t *testing.T) {
		job, r, bot, _ := newJob(t, nil)
		job.LastPath = filepath.Join(t.TempDir(), "resident-dta", "last.json")
		err := job.Run(context.Background())
		if !errors.Is(err, ErrNoDataDir) || !strings.Contains(err.Error(), "resident-dta") {
			t.Fatalf("Run() = %v, want ErrNoDataDir naming the folder", err)
		}
		if _, err := os.Stat(job.Installer.Path); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("stat %s: %v, want no file", job.Installer.Path, err)
		}
		if len(r.seen) != 0 || len(bot.Sent()) != 1 {
			t.Errorf("%d reloads, %d notifications; want 0 and 1", len(r.seen), len(bot.Sent()))
		}
	})
	t.Run("last.json not JSON: the admin alone", func(t *testing.T) {
		job, _, _, _ := newJob(t, []byte("{cut sho"))
		if err := job.Run(context.Background()); err != nil {
			t.Fatalf("Run() = %v", err)
		}
		conf, _ := renderLast(t, nil)
		if got := readFile(t, job.Installer.Path); got != string(conf) {
			t.Errorf("installed:\n%s\nwant the admin-only file", got)
		}
	})
	t.Run("dropped entries are logged with their account", func(t *testing.T) {
		last := lastJSON(t, account{name: "alice", vpn: [][2]string{{"192.168.11.3", keyA}}},
			account{name: "mallory", vpn: [][2]string{{"192.168.11.2", keyB}}})
		job, _, _, log := newJob(t, last)
		if err := job.Run(context.Background()); err != nil {
			t.Fatalf("Run() = %v", err)
		}
		if !strings.Contains(log.String(), "account=mallory path=accounts[1].vpn[0]") {
			t.Errorf("log does not name the dropped entry:\n%s", log)
		}
		if strings.Contains(readFile(t, job.Installer.Path), keyB) {
			t.Error("mallory's key is in the file")
		}
	})
	t.Run("second run with the same data: no reload", func(t *testing.T) {
		job, r, _, log := newJob(t, lastJSON(t, account{name: "a", vpn: [][2]string{{"192.168.11.3", keyA}}}))
		for range 2 {
			if err := job.Run(context.Background()); err != nil {
				t.Fatalf("Run() = %v", err)
			}
		}
		if len(r.seen) != 1 || !strings.Contains(log.String(), "unchanged") {
			t.Errorf("%d reloads over two runs, want 1", len(r.seen))
		}
	})
	t.Run("reload fails: restored, notified, no secret anywhere", func(t *testing.T) {
		job, r, bot, log := newJob(t, lastJSON(t, account{name: "a", vpn: [][2]string{{"192.168.11.3", keyA}}}), 2)
		if err := job.Run(context.Background()); err != nil {
			t.Fatalf("first Run() = %v", err)
		}
		before := readFile(t, job.Installer.Path)
		os.WriteFile(job.LastPath, lastJSON(t, account{name: "b", vpn: [][2]string{{"192.168.11.4", keyB}}}), 0o644)
		err := job.Run(context.Background())
		checkErr(t, err, []string{"reload", "previous file is back"})
		if got := readFile(t, job.Installer.Path); got != before {
			t.Errorf("after a failed reload the file holds:\n%s\nwant the previous one", got)
		}
		if len(r.seen) != 3 || r.seen[2] != before {
			t.Errorf("reloads saw %d files, want the previous one reloaded last", len(r.seen))
		}
		sent := bot.Sent()
		if len(sent) != 1 || !strings.Contains(sent[0].Text, "update-vpn on gw failed: reload") {
			t.Fatalf("notifications %+v, want one saying the reload failed", sent)
		}
		for _, s := range []string{sent[0].Text, log.String(), err.Error()} {
			if strings.Contains(s, testPrivateKey) || strings.Contains(s, botToken) {
				t.Errorf("a secret leaked: %s", s)
			}
		}
	})
}
