package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/notify/notifytest"
)

const (
	readKey     = "e2e-read-key-0001"
	writeKey    = "e2e-write-key-0002"
	electionKey = "e2e-election-key-0003"
	botToken    = "777:e2e-bot-token"
)

// TestServePollVerify runs the real binary as a server and as a consumer:
// a change posted to the server reaches the consumer's copy and its update
// command in one poll, and verify-chain finds both folders sound and equal.
func TestServePollVerify(t *testing.T) {
	bin := residentBinary(t)
	tmp := t.TempDir()
	serverDir, pollDir := filepath.Join(tmp, "server"), filepath.Join(tmp, "poll")
	testenv.CopyFiles(t, testenv.LegacyDir(t), serverDir)
	base := runServe(t, bin, serverDir, freeAddr(t)).base

	tg := notifytest.NewFakeBotAPI(t, botToken)
	marker := filepath.Join(tmp, "marker.json")
	cfg := writeConfig(t, tmp, map[string]any{
		"resident_storage_url":     base + "/accounts",
		"resident_storage_api_key": readKey,
		"on_update_command":        `cp "$RESIDENT_LAST" ` + marker,
		"check_timeout":            "30s",
		"update_timeout":           "30s",
		"telegram_api_key":         botToken,
		"telegram_api_url":         tg.URL(),
		"telegram_notify":          []map[string]any{{"chat_id": -100777, "topic_id": 3}},
	})
	poll := func(wantMessages int) string {
		t.Helper()
		out, code := runBin(t, bin, nil, "poll", "--once", "--config", cfg, "--data", pollDir)
		if code != 0 || len(tg.Sent()) != wantMessages {
			t.Fatalf("poll --once exited %d and %d messages were sent, want 0 and %d:\n%s",
				code, len(tg.Sent()), wantMessages, out)
		}
		if strings.Contains(out, readKey) || strings.Contains(out, botToken) {
			t.Errorf("poll's log holds a secret:\n%s", out)
		}
		return out
	}

	poll(1) // the first copy of the 30 legacy versions
	head := postNewcomer(t, base)
	poll(2)
	if got, _ := os.ReadFile(marker); !bytes.Equal(got, head) {
		t.Errorf("the update command did not see the new head in RESIDENT_LAST")
	}
	sent := tg.Sent()[1]
	if sent.Chat != "-100777" || sent.Thread != "3" || !strings.Contains(sent.Text, "added (1): e2e_newcomer") {
		t.Errorf("Telegram got %+v, want a message naming the newcomer", sent)
	}
	poll(2) // nothing new

	want := verifyJSON(t, bin, nil, "--dir", serverDir)
	if want.Versions != 31 {
		t.Errorf("server folder: %d versions, want 31", want.Versions)
	}
	for name, args := range map[string][]string{
		"poll folder": {"--dir", pollDir},
		"url":         {"--url", base},
	} {
		env := []string{"RESIDENT_KEY=" + readKey}
		if got := verifyJSON(t, bin, env, args...); got != want {
			t.Errorf("verify-chain on the %s = %+v, want %+v", name, got, want)
		}
	}
	checkVerifyText(t, bin, pollDir, want)
}

type chainJSON struct {
	Sound     bool   `json:"sound"`
	Versions  int    `json:"versions"`
	FirstTime string `json:"first_time"`
	LastTime  string `json:"last_time"`
	Head      string `json:"head_sha256"`
}

func verifyJSON(tb testing.TB, bin string, env []string, args ...string) chainJSON {
	tb.Helper()
	out, code := runBin(tb, bin, env, append([]string{"verify-chain", "--json"}, args...)...)
	var got chainJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil || code != 0 || !got.Sound {
		tb.Fatalf("verify-chain %q exited %d: %v\n%s", args, code, err, out)
	}
	return got
}

// checkVerifyText checks the text output and the exit codes of a sound
// folder, a damaged one and a usage error.
func checkVerifyText(tb testing.TB, bin, dir string, want chainJSON) {
	tb.Helper()
	out, code := runBin(tb, bin, nil, "verify-chain", "--dir", dir)
	if code != 0 || !strings.Contains(out, "versions: 31") || !strings.Contains(out, want.Head) {
		tb.Errorf("verify-chain --dir exited %d:\n%s", code, out)
	}
	bad := filepath.Join(tb.TempDir(), "bad")
	testenv.CopyFiles(tb, dir, bad)
	name := filepath.Join(bad, filepath.Base(firstVersion(tb, bad)))
	os.WriteFile(name, []byte(`{"meta":{}}`), 0o644)
	out, code = runBin(tb, bin, nil, "verify-chain", "--dir", bad)
	if code != 1 || !strings.Contains(out, "hash mismatch") || !strings.Contains(out, filepath.Base(name)) {
		tb.Errorf("verify-chain on a damaged folder exited %d, want 1 naming the file:\n%s", code, out)
	}
	if out, code := runBin(tb, bin, nil, "verify-chain"); code != 2 {
		tb.Errorf("verify-chain without a source exited %d, want 2:\n%s", code, out)
	}
}

func firstVersion(tb testing.TB, dir string) string {
	tb.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, "1*-*.json"))
	if len(m) == 0 {
		tb.Fatalf("no version in %s", dir)
	}
	return m[0]
}

// postNewcomer adds an account through the API and returns the new head.
func postNewcomer(tb testing.TB, base string) []byte {
	tb.Helper()
	head, err := request(http.MethodGet, base+"/accounts", readKey, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var doc struct {
		Accounts []any `json:"accounts"`
	}
	if err := json.Unmarshal(head, &doc); err != nil {
		tb.Fatal(err)
	}
	doc.Accounts = append(doc.Accounts, map[string]any{
		"username": "e2e_newcomer", "decentrala": false, "resident": true})
	body, _ := json.Marshal(doc)
	if _, err := request(http.MethodPost, base+"/accounts", writeKey, body); err != nil {
		tb.Fatalf("POST /accounts: %v", err)
	}
	head, err = request(http.MethodGet, base+"/accounts", readKey, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return head
}

// request sends one request, as call does, and returns the body, or an
// error when the answer is not a 200.
func request(method, url, key string, body []byte) ([]byte, error) {
	a := call(context.Background(), method, url, key, body)
	if a.err == nil && a.status != http.StatusOK {
		a.err = fmt.Errorf("%d: %s", a.status, a.body)
	}
	return []byte(a.body), a.err
}

func writeConfig(tb testing.TB, dir string, fields map[string]any) string {
	tb.Helper()
	data, err := json.MarshalIndent(fields, "", "  ")
	if err != nil {
		tb.Fatal(err)
	}
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// runBin runs the binary with extra env and returns its combined output
// and exit code.
func runBin(tb testing.TB, bin string, env []string, args ...string) (string, int) {
	tb.Helper()
	return runWithin(tb, 2*time.Minute, bin, env, args...)
}

// runWithin runs the binary with extra env, killing it after limit (which
// fails the test), and returns its combined output and exit code.
func runWithin(tb testing.TB, limit time.Duration, bin string, env []string, args ...string) (string, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		tb.Fatalf("run %s: %v", args[0], err)
	}
	if ctx.Err() != nil {
		tb.Errorf("%s still ran after %v", args[0], limit)
	}
	return string(out), cmd.ProcessState.ExitCode()
}
