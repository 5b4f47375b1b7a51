package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
	"github.com/xecut/resident/poll"
)

// ver is one version as a server holds it.
type ver struct {
	name string
	data []byte
	sum  string
}

// history makes a chain of n versions after prev (nil for a new chain);
// tag tells the accounts of one chain from another's.
func history(prev *ver, n int, tag string) []ver {
	var out []ver
	for i := range n {
		meta := model.Meta{Unixtime: 1_750_000_000, LastSHA256: chain.ZeroHash}
		if prev != nil {
			var doc model.Document
			json.Unmarshal(prev.data, &doc)
			meta = model.Meta{Unixtime: doc.Meta.Unixtime + 60, LastSHA256: prev.sum}
		}
		accounts := []model.Account{{Username: fmt.Sprintf("%s-%d", tag, i), Resident: true}}
		data := model.Marshal(model.Document{Meta: meta, Accounts: accounts})
		sum := chain.Sum(data)
		out = append(out, ver{name: chain.FileName(meta.Unixtime, sum), data: data, sum: sum})
		prev = &out[len(out)-1]
	}
	return out
}

// hostile is a stand-in for the resident service whose behaviour a test
// swaps at will.
type hostile struct {
	srv *httptest.Server
	mu  sync.Mutex
	h   http.HandlerFunc
}

func newHostile(tb testing.TB) *hostile {
	tb.Helper()
	s := &hostile{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+readKey {
			http.Error(w, `{"detail":"unauthorized"}`, http.StatusUnauthorized)
			return
		}
		s.mu.Lock()
		h := s.h
		s.mu.Unlock()
		h(w, r)
	}))
	// Close would wait for the handlers that never finish on purpose.
	tb.Cleanup(func() { s.srv.CloseClientConnections(); s.srv.Close() })
	return s
}

func (s *hostile) serve(h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.h = h
}

// honest serves vs as the resident service does: the head with its ETag,
// and /dump with ?since=.
func honest(vs []ver) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/accounts":
			head := vs[len(vs)-1]
			w.Header().Set("ETag", `"`+head.sum+`"`)
			if r.Header.Get("If-None-Match") == `"`+head.sum+`"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Write(head.data)
		case "/dump":
			from := 0
			if since := r.URL.Query().Get("since"); since != "" {
				from = -1
				for i, v := range vs {
					if v.sum == since {
						from = i + 1
					}
				}
				if from < 0 {
					http.Error(w, `{"detail":"since: unknown"}`, http.StatusNotFound)
					return
				}
			}
			w.Write(dumpBytes(vs[from:]))
		default:
			http.NotFound(w, r)
		}
	}
}

func dumpBytes(vs []ver) []byte {
	return testenv.Dump(len(vs), func(i int) (string, []byte) { return vs[i].name, vs[i].data })
}

func writeEntry(w interface{ Write([]byte) (int, error) }, v ver) {
	name, _ := json.Marshal(v.name)
	data, _ := json.Marshal(string(v.data))
	w.Write(name)
	w.Write([]byte(":"))
	w.Write(data)
}

// headThen serves head at /accounts and lets dump answer /dump.
func headThen(head ver, dump http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/accounts" {
			w.Write(head.data)
			return
		}
		dump(w, r)
	}
}

// stall sends the start of a body and then nothing, until the client
// gives up.
func stall(start []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Write(start)
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	}
}

// endless sends start and then chunks of filler for as long as the client
// reads.
func endless(start []byte, filler func(i int) []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Write(start)
		for i := 0; r.Context().Err() == nil; i++ {
			if _, err := w.Write(filler(i)); err != nil {
				return
			}
		}
	}
}

// TestPollHostileServer runs the real resident poll --once against a
// server that lies or stalls: nothing is stored, the update command does
// not run, and the next cycle against an honest server works.
func TestPollHostileServer(t *testing.T) {
	h := history(nil, 7, "member") // the honest chain; the copy holds 4
	forged := append([]ver{}, h[:6]...)
	forged[4].data = bytes.Replace(forged[4].data,
		[]byte(`"resident":true`), []byte(`"resident":false`), 1)
	fork := append(append([]ver{}, h[:2]...), history(&h[1], 4, "mallory")...)
	aMeg := bytes.Repeat([]byte("a"), 1<<20)
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"forged version, name kept", honest(forged)},
		{"forked history", honest(fork)},
		{"rollback to an older head", honest(h[:3])},
		{"rollback hidden by an empty dump", headThen(h[2], func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("{}"))
		})},
		{"endless head", endless(h[5].data[:20], func(int) []byte { return aMeg })},
		{"endless dump entry", headThen(h[5], endless([]byte(`{"`+h[4].name+`":"`),
			func(int) []byte { return aMeg }))},
		{"endless chain of versions", headThen(h[5], endlessChain(h[3]))},
		{"head that never finishes", stall(h[5].data[:40])},
		{"dump that never finishes", headThen(h[5], stall(dumpBytes(h[4:5])[:60]))},
	}
	bin := residentBinary(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newPollCopy(t, bin)
			c.srv.serve(honest(h[:4]))
			c.poll(0)
			before, runs := c.snapshot(), c.runs()
			c.srv.serve(tt.handler)
			start := time.Now()
			c.poll(1)
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("the hostile cycle took %v", d)
			}
			if diff := c.snapshot(); diff != before {
				t.Errorf("the local copy changed:\nbefore %s\nafter  %s", before, diff)
			}
			if n := c.runs(); n != runs {
				t.Errorf("the update command ran %d times, want %d", n, runs)
			}
			c.srv.serve(honest(h))
			c.poll(0)
			c.wantMirror(h)
		})
	}
}

// endlessChain sends, after the versions the copy lacks, new valid
// versions chained onto each other for as long as the client reads.
func endlessChain(after ver) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("{"))
		prev := after
		for i := 0; r.Context().Err() == nil; i++ {
			v := history(&prev, 1, fmt.Sprintf("flood%d", i))[0]
			if i > 0 {
				w.Write([]byte(","))
			}
			writeEntry(w, v)
			prev = v
		}
	}
}

// pollCopy is a consumer's local copy polled by the real binary.
type pollCopy struct {
	tb       testing.TB
	bin      string
	dir, cfg string
	marks    string
	srv      *hostile
}

func newPollCopy(tb testing.TB, bin string) *pollCopy {
	tb.Helper()
	tmp := tb.TempDir()
	c := &pollCopy{tb: tb, bin: bin, dir: filepath.Join(tmp, "copy"),
		marks: filepath.Join(tmp, "runs"), srv: newHostile(tb)}
	c.cfg = writeConfig(tb, tmp, map[string]any{
		"resident_storage_url":     c.srv.srv.URL,
		"resident_storage_api_key": readKey,
		"strict_validation":        true,
		"on_update_command":        `echo ran >> ` + c.marks,
		"check_timeout":            "2s",
		"update_timeout":           "10s",
	})
	return c
}

// poll runs one cycle and checks its exit status.
func (c *pollCopy) poll(want int) {
	c.tb.Helper()
	out, code := runBin(c.tb, c.bin, nil, "poll", "--once", "--config", c.cfg, "--data", c.dir)
	if code != want {
		c.tb.Fatalf("poll --once exited %d, want %d:\n%s", code, want, out)
	}
}

func (c *pollCopy) runs() int {
	data, _ := os.ReadFile(c.marks)
	return bytes.Count(data, []byte("\n"))
}

// snapshot describes every file of the copy but the poller's state,
// which records the bad head, and its lock.
func (c *pollCopy) snapshot() string {
	c.tb.Helper()
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		c.tb.Fatal(err)
	}
	var parts []string
	for _, e := range entries {
		if e.Name() == poll.StateFile || e.Name() == poll.LockFile {
			continue
		}
		data, _ := os.ReadFile(filepath.Join(c.dir, e.Name()))
		parts = append(parts, e.Name()+"="+chain.Sum(data)[:8])
	}
	return strings.Join(parts, " ")
}

// wantMirror checks that the copy holds exactly vs and last.json is its
// head.
func (c *pollCopy) wantMirror(vs []ver) {
	c.tb.Helper()
	for _, v := range vs {
		data, err := os.ReadFile(filepath.Join(c.dir, v.name))
		if err != nil || !bytes.Equal(data, v.data) {
			c.tb.Errorf("the copy lacks %s: %v", v.name, err)
		}
	}
	if got := len(testenv.VersionNames(c.tb, c.dir)); got != len(vs) {
		c.tb.Errorf("the copy holds %d versions, want %d", got, len(vs))
	}
	last, _ := os.ReadFile(filepath.Join(c.dir, "last.json"))
	if !bytes.Equal(last, vs[len(vs)-1].data) {
		c.tb.Errorf("last.json is not the head")
	}
}

// TestPollKeepsGoing runs resident poll as a service through a stalling
// and a flooding server: it stays up and applies the next honest change.
func TestPollKeepsGoing(t *testing.T) {
	h := history(nil, 4, "member")
	bin := residentBinary(t)
	c := newPollCopy(t, bin)
	c.srv.serve(honest(h[:2]))
	c.poll(0)
	c.srv.serve(stall(h[3].data[:30]))
	cmd := exec.Command(bin, "poll", "--interval", "500ms", "--config", c.cfg, "--data", c.dir)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			t.Errorf("poll did not stop on SIGTERM")
		}
		if t.Failed() {
			t.Logf("poll log:\n%s", logs.String())
		}
	}()
	time.Sleep(3 * time.Second)
	c.srv.serve(headThen(h[3], endless([]byte(`{"x`), func(int) []byte { return []byte("aaaaaaaa") })))
	time.Sleep(3 * time.Second)
	c.srv.serve(honest(h))
	for deadline := time.Now().Add(15 * time.Second); c.runs() < 2 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
	}
	select {
	case <-done:
		t.Fatalf("poll exited")
	default:
	}
	c.wantMirror(h)
	if n := c.runs(); n != 2 {
		t.Errorf("the update command ran %d times, want 2", n)
	}
}
