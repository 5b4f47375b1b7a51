package poll

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/config"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/notify"
	"github.com/xecut/resident/notify/notifytest"
)

// rewriteHistory syncs three versions, then has the server replace the
// last two with others.
func rewriteHistory(tb testing.TB, r *rig) (original []ver) {
	tb.Helper()
	r.svc.post("alice")
	r.svc.post("alice", "bob")
	r.svc.post("alice", "bob", "carol")
	r.mustCycle()
	original = r.svc.rewrite(1)
	r.svc.post("alice", "mallory")
	return original
}

func TestRewrittenHistoryStrict(t *testing.T) {
	r := newRig(t)
	original := rewriteHistory(t, r)
	before, last := testenv.VersionNames(t, r.dir), r.last()
	for i := range 2 {
		err := r.cycle()
		if !errors.Is(err, ErrChain) {
			t.Fatalf("cycle %d: Cycle() = %v, want ErrChain", i+1, err)
		}
		var p *chain.Problem
		if i == 0 && (!errors.As(err, &p) || p.Kind != chain.KindNotExtending) {
			t.Errorf("cycle %d: problem %v, want %q", i+1, err, chain.KindNotExtending)
		}
	}
	if got := len(r.svc.dumpRequests()); got != 3 {
		t.Errorf("%d dump requests, want the first sync's and the two of the first failed check", got)
	}
	if diff := cmp.Diff(before, testenv.VersionNames(t, r.dir)); diff != "" {
		t.Errorf("version files changed (-before +after):\n%s", diff)
	}
	if !bytes.Equal(last, r.last()) {
		t.Errorf("last.json changed")
	}
	if n := r.runCount(); n != 1 {
		t.Errorf("update command ran %d times, want only after the first sync", n)
	}
	r.wantMessages("first copy", "failed validation")
	if _, err := os.Stat(filepath.Join(r.dir, incoming)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("staging folder left behind: %v", err)
	}

	// The server's history is put back and grows: healthy again.
	r.svc.restore(original)
	r.svc.post("alice", "bob", "carol", "dave")
	r.mustCycle()
	r.wantMirror()
	r.wantMessages("first copy", "failed validation", "added (1): dave", "verifies again")
	if n := r.runCount(); n != 2 {
		t.Errorf("update command ran %d times, want 2", n)
	}
}

func TestRewrittenHistoryLenient(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Strict = false })
	original := rewriteHistory(t, r)
	if err := r.cycle(); err != nil {
		t.Fatalf("Cycle() = %v, want nil when strict_validation is false", err)
	}
	r.wantMirror()
	r.wantMessages("first copy", "NOT VERIFIED")
	if got := r.messages()[1]; !strings.Contains(got, "added (1): mallory") {
		t.Errorf("message %q lacks the change", got)
	}
	if n := r.runCount(); n != 2 {
		t.Errorf("update command ran %d times, want 2", n)
	}
	aside, _ := filepath.Glob(filepath.Join(r.dir, supersede+"*", "*.json"))
	var got []string
	for _, a := range aside {
		got = append(got, filepath.Base(a))
	}
	if diff := cmp.Diff(namesOf(original[1:]), got); diff != "" {
		t.Errorf("versions set aside (-want +got):\n%s", diff)
	}
	// The adopted chain now verifies: the next change is a plain one.
	r.svc.post("alice", "mallory", "erin")
	r.mustCycle()
	r.wantMirror()
	r.wantMessages("first copy", "NOT VERIFIED", "added (1): erin")
	if strings.Contains(r.messages()[2], "NOT VERIFIED") {
		t.Errorf("the change after adoption is marked unverified")
	}
}

func TestBadVersionLenientTakesOnlyTheHead(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Strict = false })
	r.svc.post("alice")
	r.mustCycle()
	r.svc.post("alice", "bob")
	r.svc.post("alice", "bob", "carol")
	// A version whose bytes do not match its name: the server's chain is
	// not sound, so only its head is taken.
	r.svc.set(func(f *fakeService) { f.versions[1].data = append(f.versions[1].data, ' ') })
	if err := r.cycle(); err != nil {
		t.Fatalf("Cycle() = %v", err)
	}
	if got := testenv.VersionNames(t, r.dir); len(got) != 1 {
		t.Errorf("version files %q, want only the first", got)
	}
	if !bytes.Equal(r.last(), r.svc.head().data) {
		t.Errorf("last.json is not the server's head")
	}
	r.wantMessages("first copy", "hash mismatch")
}

func TestInvalidHead(t *testing.T) {
	tests := []struct {
		name     string
		strict   bool
		wantErr  error
		wantMsgs []string
	}{
		{name: "strict", strict: true, wantErr: ErrChain,
			wantMsgs: []string{"first copy", "accounts[1].username"}},
		{name: "lenient", wantMsgs: []string{"first copy", "NOT VERIFIED"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(o *Options) { o.Strict = tt.strict })
			r.svc.post("alice")
			r.mustCycle()
			r.svc.post("alice", "alice") // a duplicate username
			if err := r.cycle(); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Cycle() = %v, want %v", err, tt.wantErr)
			}
			r.wantMessages(tt.wantMsgs...)
			if stored := bytes.Equal(r.last(), r.svc.head().data); stored == tt.strict {
				t.Errorf("last.json holds the invalid head: %v, strict %v", stored, tt.strict)
			}
		})
	}
}

func TestCommandFailureRetried(t *testing.T) {
	var ok string
	r := newRig(t, func(o *Options) {
		ok = filepath.Join(filepath.Dir(o.Dir), "ok")
		o.Command += `; echo line1; echo "it broke: $RESIDENT_LAST" >&2; test -e ` + ok + ` || exit 3`
	})
	r.svc.post("alice")
	for range 3 {
		if err := r.cycle(); err == nil || !strings.Contains(err.Error(), "exit status 3") {
			t.Fatalf("Cycle() = %v, want the command's failure", err)
		}
	}
	if n := r.runCount(); n != 3 {
		t.Errorf("update command ran %d times, want 3 (retried every cycle)", n)
	}
	r.wantMessages("first copy", "exit status 3")
	if msg := r.messages()[1]; !strings.Contains(msg, "it broke: "+filepath.Join(r.dir, LastFile)) {
		t.Errorf("failure message %q lacks the command's last output lines", msg)
	}
	if !strings.Contains(r.logs.String(), "it broke") {
		t.Errorf("the command's output is not in the log")
	}
	os.WriteFile(ok, nil, 0o644)
	r.mustCycle()
	r.mustCycle()
	if n := r.runCount(); n != 4 {
		t.Errorf("update command ran %d times, want 4 (not again once it succeeded)", n)
	}
	r.wantMessages("first copy", "exit status 3", "succeeds again")
}

func TestCommandHangKilled(t *testing.T) {
	var pidFile string
	r := newRig(t, func(o *Options) {
		pidFile = filepath.Join(filepath.Dir(o.Dir), "pid")
		o.Command = `sleep 60 & echo $! > ` + pidFile + `; sleep 60`
		o.UpdateTimeout = 300 * time.Millisecond
	})
	r.svc.post("alice")
	start := time.Now()
	err := r.cycle()
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("cycle took %v with a 300ms update limit", d)
	}
	if err == nil || !strings.Contains(err.Error(), "killed after 300ms") {
		t.Errorf("Cycle() = %v, want a kill at the limit", err)
	}
	data, _ := os.ReadFile(pidFile)
	pid, perr := strconv.Atoi(strings.TrimSpace(string(data)))
	if perr != nil {
		t.Fatalf("pid file: %q", data)
	}
	time.Sleep(100 * time.Millisecond)
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		// A zombie still answers; reap it to tell it from a live process.
		if !isZombie(pid) {
			t.Errorf("background process %d of the command outlived the kill: %v", pid, err)
		}
	}
	r.wantMessages("first copy", "killed after 300ms")
}

func isZombie(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	fields := strings.Fields(string(data))
	return len(fields) > 2 && fields[2] == "Z"
}

func TestServerTrouble(t *testing.T) {
	limits.version = 1 << 20
	limits.dump = 4 << 20
	limits.entry = 2 << 20
	defer func() {
		limits.version, limits.dump, limits.entry = MaxVersionBytes, MaxDumpBytes, maxEntryBytes
	}()
	huge := bytes.Repeat([]byte("x"), 3<<20)
	tests := []struct {
		name      string
		handler   http.HandlerFunc
		wantErr   string
		wantChain bool // a failed chain check, notified
	}{
		{name: "500", handler: func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "oops", http.StatusInternalServerError)
		}, wantErr: "500 Internal Server Error"},
		{name: "garbage head", handler: func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, "<html>not json</html>")
		}, wantChain: true, wantErr: "invalid JSON"},
		{name: "huge head", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write(huge)
		}, wantErr: "too large"},
		{name: "huge dump", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/accounts" {
				w.Write(nextVersion(nil, users("a")...).data)
				return
			}
			io.WriteString(w, `{"1-x.json":"`)
			w.Write(huge)
			w.Write(huge)
		}, wantErr: "too large"},
		{name: "garbage dump", handler: func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/accounts" {
				w.Write(nextVersion(nil, users("a")...).data)
				return
			}
			io.WriteString(w, `[1,2,3]`)
		}, wantErr: "dump is not a JSON object"},
		{name: "slow body", handler: func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(`{"meta":`))
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}, wantErr: "deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, func(o *Options) {
				if tt.name == "slow body" {
					o.CheckTimeout = 500 * time.Millisecond
				}
			})
			r.svc.set(func(f *fakeService) { f.override = tt.handler })
			start := time.Now()
			err := r.cycle()
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Cycle() = %v, want %q", err, tt.wantErr)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Errorf("cycle took %v", d)
			}
			if got := testenv.VersionNames(t, r.dir); len(got) != 0 || r.last() != nil {
				t.Errorf("stored %q from a broken server", got)
			}
			if n := r.runCount(); n != 0 {
				t.Errorf("update command ran %d times", n)
			}
			if got := len(r.messages()); got != b2i(tt.wantChain) {
				t.Errorf("%d messages, want %d", got, b2i(tt.wantChain))
			}
			// Trouble that is not the chain's is not notified; a bad head
			// once only.
			r.cycle()
			if got := len(r.messages()); got != b2i(tt.wantChain) {
				t.Errorf("after a second cycle %d messages, want %d", got, b2i(tt.wantChain))
			}
		})
	}
}

func TestServerDown(t *testing.T) {
	r := newRig(t)
	r.svc.post("alice")
	r.mustCycle()
	r.svc.srv.Close()
	err := r.cycle()
	if err == nil || !strings.Contains(err.Error(), "connect") {
		t.Errorf("Cycle() = %v, want a connection failure", err)
	}
	r.wantMessages("first copy")
}

func TestWrongKey(t *testing.T) {
	r := newRig(t, func(o *Options) { o.APIKey = "wrong" })
	r.svc.post("alice")
	if err := r.cycle(); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Cycle() = %v, want a 401", err)
	}
}

func TestLegacyFolderAsLocalCopy(t *testing.T) {
	legacy := testenv.LegacyDir(t)
	for _, ignore := range []bool{false, true} {
		t.Run("ignoreSince="+strconv.Itoa(b2i(ignore)), func(t *testing.T) {
			r := newRig(t)
			testenv.CopyFiles(t, legacy, r.dir)
			history := loadFolder(t, legacy)
			r.svc.restore(history)
			r.svc.set(func(f *fakeService) { f.ignoreSince = ignore })
			head := history[len(history)-1]
			var doc struct{ Accounts []map[string]any }
			if err := json.Unmarshal(head.data, &doc); err != nil {
				t.Fatal(err)
			}
			r.svc.post("brand-new-member")
			r.svc.post("brand-new-member", "another")
			r.mustCycle()
			r.wantMirror()
			if got := r.svc.dumpRequests(); !cmp.Equal(got, []string{head.sum}) {
				t.Errorf("dump requests %q, want one since the legacy head", got)
			}
			msgs := r.messages()
			if len(msgs) != 1 || !strings.Contains(msgs[0], "added (2): brand-new-member, another") ||
				!strings.Contains(msgs[0], "removed ("+strconv.Itoa(len(doc.Accounts))+")") {
				t.Errorf("messages %q", msgs)
			}
		})
	}
}

func TestPanicRecovered(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Notifier = panicky{} })
	r.svc.post("alice")
	err := r.cycle()
	if err == nil || !strings.Contains(err.Error(), "panicked") {
		t.Fatalf("Cycle() = %v, want a recovered panic", err)
	}
	if !strings.Contains(r.logs.String(), "cycle panicked") {
		t.Errorf("panic not logged")
	}
	r.opt.Notifier = nil
	r.mustCycle() // the next cycle runs, and the command is due
	if n := r.runCount(); n != 1 {
		t.Errorf("update command ran %d times, want 1", n)
	}
}

type panicky struct{}

func (panicky) Notify(context.Context, string) { panic("boom") }

func TestCyclesNeverOverlap(t *testing.T) {
	r := newRig(t, func(o *Options) { o.Command = "sleep 1" })
	r.svc.post("alice")
	p := r.poller()
	done := make(chan error)
	go func() { done <- p.Cycle(context.Background()) }()
	time.Sleep(300 * time.Millisecond)
	if err := p.Cycle(context.Background()); !errors.Is(err, ErrBusy) {
		t.Errorf("second Cycle in the process = %v, want ErrBusy", err)
	}
	if err := r.poller().Cycle(context.Background()); !errors.Is(err, ErrBusy) {
		t.Errorf("Cycle of a second poller on the folder = %v, want ErrBusy", err)
	}
	if err := <-done; err != nil {
		t.Errorf("first Cycle = %v", err)
	}
}

func TestRunSkipsTicksWhileACycleRuns(t *testing.T) {
	r := newRig(t, func(o *Options) {
		o.Command = `echo x >> ` + filepath.Join(filepath.Dir(o.Dir), "runs") + `; sleep 0.5; exit 1`
	})
	r.svc.post("alice")
	ctx, cancel := context.WithTimeout(context.Background(), 1200*time.Millisecond)
	defer cancel()
	r.poller().Run(ctx, 100*time.Millisecond)
	if n := r.runCount(); n < 2 || n > 3 {
		t.Errorf("the failing command ran %d times in 1.2s at 0.5s each, want 2 or 3", n)
	}
	if !strings.Contains(r.logs.String(), "previous cycle still running") {
		t.Errorf("no tick was skipped")
	}
}

func TestTelegramTroubleNeverFailsACycle(t *testing.T) {
	t.Run("429 waited out", func(t *testing.T) {
		r := newRig(t)
		r.tg.Script(notifytest.RateLimited(1))
		r.svc.post("alice")
		start := time.Now()
		r.mustCycle()
		if d := time.Since(start); d < time.Second {
			t.Errorf("cycle took %v, want the 1s Telegram asked for", d)
		}
		if got := r.tg.Sent(); len(got) != 2 || got[1].Text != got[0].Text {
			t.Errorf("sent %d, want the message again after the 429", len(got))
		}
	})
	t.Run("Telegram down", func(t *testing.T) {
		r := newRig(t)
		r.opt.Notifier = notify.NewTelegram("http://127.0.0.1:1", tgToken,
			[]config.Target{{ChatID: 1}}, r.opt.Log)
		r.svc.post("alice")
		r.mustCycle()
		r.wantMirror()
		if n := r.runCount(); n != 1 {
			t.Errorf("update command ran %d times, want 1", n)
		}
		if !strings.Contains(r.logs.String(), "telegram message not sent") {
			t.Errorf("the failure to notify is not logged")
		}
	})
}
