package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// serveEnv is a clean environment with the three keys, changed by
// NAME=value overrides (NAME= unsets).
func serveEnv(overrides ...string) []string {
	vars := map[string]string{
		"PATH": os.Getenv("PATH"), "HOME": os.Getenv("HOME"),
		"READ_KEY": readKey, "WRITE_KEY": writeKey, "DECENTRALA_ELECTION_KEY": electionKey,
	}
	for _, o := range overrides {
		k, v, _ := strings.Cut(o, "=")
		vars[k] = v
	}
	var env []string
	for k, v := range vars {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	return env
}

// serveRefused runs a serve that must refuse to start, and returns its
// stderr and exit code.
func serveRefused(tb testing.TB, env []string, args ...string) (string, int) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, residentBinary(tb), append([]string{"serve"}, args...)...)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.Run()
	if ctx.Err() != nil {
		tb.Fatalf("resident serve %v started instead of refusing:\n%s", args, stderr.String())
	}
	return stderr.String(), cmd.ProcessState.ExitCode()
}

func TestServeRefusals(t *testing.T) {
	legacy := testenv.LegacyCopy
	ordered, err := chain.LoadDir(testenv.LegacyDir(t))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		env      []string
		args     []string
		dir      func(testing.TB) string
		wantCode int
		want     []string // parts of stderr
	}{
		{"read key missing", serveEnv("READ_KEY="), nil, nil, 2, []string{"READ_KEY is not set"}},
		{"write key missing", serveEnv("WRITE_KEY="), nil, nil, 2, []string{"WRITE_KEY is not set"}},
		{"election key missing", serveEnv("DECENTRALA_ELECTION_KEY="), nil, nil, 2, []string{"DECENTRALA_ELECTION_KEY is not set"}},
		{"short key", serveEnv("WRITE_KEY=short"), nil, nil, 2, []string{"WRITE_KEY is shorter than 10"}},
		{"key with a space", serveEnv("READ_KEY=read key 0001"), nil, nil, 2, []string{"READ_KEY contains whitespace"}},
		{"key with a control character", serveEnv("DECENTRALA_ELECTION_KEY=election\x01key-3"), nil, nil, 2, []string{"DECENTRALA_ELECTION_KEY contains control"}},
		{"equal keys", serveEnv("DECENTRALA_ELECTION_KEY=" + readKey), nil, nil, 2, []string{"DECENTRALA_ELECTION_KEY must differ from READ_KEY"}},
		{"bad name", serveEnv(), []string{"--name", "x/y"}, nil, 2, []string{"--name"}},
		{"bad body limit", serveEnv("RESIDENT_MAX_BODY=0"), nil, nil, 2, []string{"--max-body"}},
		{"hash mismatch", serveEnv(), nil, func(tb testing.TB) string {
			dir := legacy(tb)
			path := filepath.Join(dir, ordered[5].Name)
			data, _ := os.ReadFile(path)
			os.WriteFile(path, bytes.Replace(data, []byte(`"resident":true`), []byte(`"resident":false`), 1), 0o644)
			return dir
		}, 1, []string{ordered[5].Name, "hash mismatch", "broken"}},
		{"missing version", serveEnv(), nil, func(tb testing.TB) string {
			dir := legacy(tb)
			os.Remove(filepath.Join(dir, ordered[10].Name))
			return dir
		}, 1, []string{ordered[11].Name, "broken link"}},
		{"typo above the data folder", serveEnv(), nil, func(tb testing.TB) string {
			return filepath.Join(tb.TempDir(), "sv", "data")
		}, 1, []string{"/sv does not exist", "hint: check --data"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.dir != nil {
				dir = tt.dir(t)
			}
			args := append([]string{"--data", dir, "--listen", "127.0.0.1:0"}, tt.args...)
			stderr, code := serveRefused(t, tt.env, args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr)
			}
			if !strings.HasPrefix(stderr, "resident: error: ") {
				t.Errorf("stderr does not start with resident: error:\n%s", stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr does not mention %q:\n%s", w, stderr)
				}
			}
			for _, key := range []string{readKey, writeKey, electionKey} {
				if strings.Contains(stderr, key) {
					t.Errorf("stderr shows a key:\n%s", stderr)
				}
			}
		})
	}
}

// TestServeSmoke serves the project's demo folder with the real binary,
// as the README's first command does, and goes through a day's work.
func TestServeSmoke(t *testing.T) {
	dir := t.TempDir()
	testenv.CopyFiles(t, demoFolder, dir)
	vs, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	head := vs[len(vs)-1]
	headBytes, _ := os.ReadFile(filepath.Join(dir, head.Name))
	s := runServe(t, residentBinary(t), dir, "")
	if !strings.Contains(s.log(), "count=40") || !strings.Contains(s.log(), "version="+head.SHA256) {
		t.Errorf("the start-up line does not give the version count and head:\n%s", s.log())
	}

	if code, body, _ := s.fetch(t, "GET", "/healthz", "", nil); code != 200 || string(body) != `{"ok":true}` {
		t.Errorf("GET /healthz = %d %s", code, body)
	}
	code, body, hdr := s.fetch(t, "GET", "/accounts", readKey, nil)
	if code != 200 || !bytes.Equal(body, headBytes) {
		t.Fatalf("GET /accounts = %d, not the demo head's bytes", code)
	}
	etag := hdr.Get("ETag")
	if code, _, _ := s.fetch(t, "GET", "/accounts", "", nil); code != 401 {
		t.Errorf("GET /accounts without a key = %d, want 401", code)
	}

	doc, err := model.Parse(headBytes)
	if err != nil {
		t.Fatal(err)
	}
	doc.Accounts[0].Resident = !doc.Accounts[0].Resident
	post := model.Marshal(model.Document{Accounts: doc.Accounts})
	if code, body, _ := s.fetch(t, "POST", "/accounts", writeKey, post, "If-Match", etag); code != 200 {
		t.Fatalf("POST /accounts = %d %s", code, body)
	}
	if code, _, _ := s.fetch(t, "POST", "/accounts", writeKey, post, "If-Match", etag); code != 412 {
		t.Errorf("POST with the old ETag = %d, want 412", code)
	}
	after, err := chain.LoadDir(dir)
	if err != nil || len(after) != len(vs)+1 || after[len(after)-1].Last != head.SHA256 {
		t.Fatalf("after the POST LoadDir = %d versions, %v; want %d, the last linking to the head", len(after), err, len(vs)+1)
	}

	code, body, _ = s.fetch(t, "GET", "/dump?since="+head.SHA256, readKey, nil)
	var dump map[string]string
	if code != 200 || json.Unmarshal(body, &dump) != nil || len(dump) != 1 {
		t.Errorf("GET /dump?since=<old head> = %d %.200s, want the one new version", code, body)
	}
	if code, body, _ := s.fetch(t, "GET", "/export/vpn", readKey, nil); code != 200 || !bytes.Contains(body, []byte("[Peer]")) {
		t.Errorf("GET /export/vpn = %d %.200s", code, body)
	}
	if code, _, _ := s.fetch(t, "GET", "/export/vpn", electionKey, nil); code != 403 {
		t.Errorf("GET /export/vpn with the election key = %d, want 403", code)
	}
	if code, body, _ := s.fetch(t, "GET", "/docs/", "", nil); code != 200 || !bytes.Contains(body, []byte("swagger")) {
		t.Errorf("GET /docs/ = %d", code)
	}

	checkHealthcheck(t, s.base)
	checkSecondServerRefused(t, dir)
	checkAddressInUse(t, strings.TrimPrefix(s.base, "http://"))
	s.stop()
	logs := s.log()
	for _, want := range []string{"method=POST path=/accounts status=200", "role=read-write", "msg=stopped"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log has no %q:\n%s", want, logs)
		}
	}
	for _, secret := range []string{readKey, writeKey, electionKey} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log shows a key")
		}
	}
}

// checkHealthcheck runs the Dockerfile's HEALTHCHECK command against a
// live server and against a port nobody listens on.
func checkHealthcheck(tb testing.TB, base string) {
	tb.Helper()
	run := func(url string) int {
		cmd := exec.Command(residentBinary(tb), "healthcheck", "--url", url)
		cmd.Env = serveEnv()
		cmd.Run()
		return cmd.ProcessState.ExitCode()
	}
	if code := run(base + "/healthz"); code != 0 {
		tb.Errorf("healthcheck of a live server exited %d", code)
	}
	dead := "http://" + freeAddr(tb) + "/healthz"
	if code := run(dead); code == 0 {
		tb.Errorf("healthcheck of a dead port exited 0")
	}
}

// checkSecondServerRefused starts a second server on a running one's
// folder: the lock must stop it.
func checkSecondServerRefused(tb testing.TB, dir string) {
	tb.Helper()
	stderr, code := serveRefused(tb, serveEnv(), "--data", dir, "--listen", "127.0.0.1:0")
	if code != 1 || !strings.Contains(stderr, "another resident serve holds this data folder") {
		tb.Errorf("a second server on the same folder: exit %d, stderr:\n%s", code, stderr)
	}
}

// checkAddressInUse starts a server on another folder but a taken port.
func checkAddressInUse(tb testing.TB, addr string) {
	tb.Helper()
	stderr, code := serveRefused(tb, serveEnv(), "--data", tb.TempDir(), "--listen", addr)
	if code != 1 || !strings.Contains(stderr, "listen on "+addr) || !strings.Contains(stderr, "hint:") {
		tb.Errorf("a server on a taken address: exit %d, stderr:\n%s", code, stderr)
	}
}

// TestServeFinishesWriteOnSIGTERM sends SIGTERM while a POST's body is
// still arriving: the server must finish that write, answer it, and only
// then exit.
func TestServeFinishesWriteOnSIGTERM(t *testing.T) {
	dir := t.TempDir()
	s := runServe(t, residentBinary(t), dir, "")
	pr, pw := io.Pipe()
	req, err := http.NewRequest("POST", s.base+"/accounts", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+writeKey)
	type result struct {
		code int
		body string
		err  error
	}
	res := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			res <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		res <- result{code: resp.StatusCode, body: string(b)}
	}()
	io.WriteString(pw, `{"accounts":[{"username":"Last Write",`)
	waitForLog(t, s, "", time.Second) // let the request reach the handler
	s.cmd.Process.Signal(syscall.SIGTERM)
	waitForLog(t, s, "msg=\"shutting down\"", 10*time.Second)
	io.WriteString(pw, `"decentrala":false,"resident":true}]}`)
	pw.Close()
	r := <-res
	if r.err != nil || r.code != 200 || r.body != `{"ok":true}` {
		t.Fatalf("the POST in flight at SIGTERM got %d %q %v, want {\"ok\":true}", r.code, r.body, r.err)
	}
	select {
	case <-s.done:
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit after finishing the write")
	}
	vs, err := chain.LoadDir(dir)
	if err != nil || len(vs) != 1 {
		t.Fatalf("after shutdown LoadDir = %v, %v; want the one acknowledged version", vs, err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, vs[0].Name))
	if !bytes.Contains(data, []byte(`"username":"Last Write"`)) {
		t.Errorf("the stored version is not the write in flight: %s", data)
	}
}

// waitForLog waits until the server's log contains want, or just for d
// when want is empty.
func waitForLog(tb testing.TB, s *serveProc, want string, d time.Duration) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if want != "" && strings.Contains(s.log(), want) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	if want != "" {
		tb.Fatalf("the log never showed %q:\n%s", want, s.log())
	}
}
