package poll

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/notify"
	"github.com/xecut/resident/notify/notifytest"
)

const tgToken = "42:telegram-test-token"

// rig is a poller wired to a fake service, a fake Telegram and a command
// that records each run.
type rig struct {
	tb   testing.TB
	svc  *fakeService
	tg   *notifytest.FakeBotAPI
	dir  string
	runs string // one line per run of the update command
	opt  Options
	logs *testenv.Buffer
}

func newRig(tb testing.TB, adjust ...func(*Options)) *rig {
	tb.Helper()
	tmp := tb.TempDir()
	r := &rig{tb: tb, svc: newFakeService(tb), tg: notifytest.NewFakeBotAPI(tb, tgToken),
		dir: filepath.Join(tmp, "data"), runs: filepath.Join(tmp, "runs"), logs: &testenv.Buffer{}}
	log := slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.opt = Options{
		URL: r.svc.srv.URL, APIKey: testKey, Strict: true,
		Command:      `echo "$RESIDENT_DATA $(cat "$RESIDENT_LAST" | wc -c)" >> ` + r.runs,
		CheckTimeout: 5 * time.Second, UpdateTimeout: 5 * time.Second, Dir: r.dir,
		Notifier: notify.NewTelegram(r.tg.URL(), tgToken, []config.Target{{ChatID: -1001, TopicID: 7}}, log),
		Log:      log,
	}
	for _, a := range adjust {
		a(&r.opt)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("poller log:\n%s", r.logs.String())
		}
		for _, s := range []string{testKey, tgToken} {
			if strings.Contains(r.logs.String(), s) {
				tb.Errorf("the log holds the secret %q", s)
			}
		}
		for _, m := range r.tg.Sent() {
			if strings.Contains(m.Text, testKey) {
				tb.Errorf("a Telegram message holds the API key: %q", m.Text)
			}
		}
	})
	return r
}

func (r *rig) poller() *Poller {
	r.tb.Helper()
	p, err := New(r.opt)
	if err != nil {
		r.tb.Fatal(err)
	}
	return p
}

func (r *rig) cycle() error {
	r.tb.Helper()
	return r.poller().Cycle(context.Background())
}

func (r *rig) mustCycle() {
	r.tb.Helper()
	if err := r.cycle(); err != nil {
		r.tb.Fatalf("Cycle() = %v, want nil", err)
	}
}

// runCount is how often the update command ran.
func (r *rig) runCount() int {
	data, err := os.ReadFile(r.runs)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		r.tb.Fatal(err)
	}
	return strings.Count(string(data), "\n")
}

func (r *rig) last() []byte {
	data, _ := os.ReadFile(filepath.Join(r.dir, LastFile))
	return data
}

// messages returns the texts sent to Telegram so far.
func (r *rig) messages() []string {
	var out []string
	for _, m := range r.tg.Sent() {
		if m.Chat != "-1001" || m.Thread != "7" {
			r.tb.Errorf("message sent to chat %s thread %s, want -1001 thread 7", m.Chat, m.Thread)
		}
		out = append(out, m.Text)
	}
	return out
}

// wantMessages checks the messages sent so far, each by a fragment.
func (r *rig) wantMessages(fragments ...string) {
	r.tb.Helper()
	got := r.messages()
	if len(got) != len(fragments) {
		r.tb.Fatalf("sent %d messages, want %d:\n%s", len(got), len(fragments), strings.Join(got, "\n---\n"))
	}
	for i, f := range fragments {
		if !strings.Contains(got[i], f) {
			r.tb.Errorf("message %d = %q, want it to hold %q", i, got[i], f)
		}
	}
}

// wantMirror checks that the local copy holds exactly the service's
// versions, byte for byte, and last.json is its head.
func (r *rig) wantMirror() {
	r.tb.Helper()
	r.svc.mu.Lock()
	vs := append([]ver(nil), r.svc.versions...)
	r.svc.mu.Unlock()
	if diff := cmp.Diff(namesOf(vs), testenv.VersionNames(r.tb, r.dir)); diff != "" {
		r.tb.Errorf("version files (-server +local):\n%s", diff)
	}
	for _, v := range vs {
		got, err := os.ReadFile(filepath.Join(r.dir, v.name))
		if err == nil && !bytes.Equal(got, v.data) {
			r.tb.Errorf("%s differs from the server's bytes", v.name)
		}
	}
	if !bytes.Equal(r.last(), vs[len(vs)-1].data) {
		r.tb.Errorf("last.json is not the server's head")
	}
}

func TestFirstSync(t *testing.T) {
	r := newRig(t, func(o *Options) { o.URL += "/accounts/" })
	r.svc.post("alice")
	r.svc.post("alice", "bob")
	r.svc.post("alice", "bob", "carol_x")
	r.mustCycle()
	r.wantMirror()
	if got := r.svc.dumpRequests(); !cmp.Equal(got, []string{""}) {
		t.Errorf("dump requests (since) = %q, want one without since", got)
	}
	if n := r.runCount(); n != 1 {
		t.Errorf("update command ran %d times, want 1", n)
	}
	r.wantMessages("new version applied\ntime: 2023-11-14T22:15:20Z\nversion: " + r.svc.head().sum[:12] + "\nversions stored: 3\nfirst copy: 3 accounts")
	run, _ := os.ReadFile(r.runs)
	if want := r.dir + " " + strconv.Itoa(len(r.svc.head().data)); strings.TrimSpace(string(run)) != want {
		t.Errorf("command saw %q, want RESIDENT_DATA and the size of RESIDENT_LAST %q", run, want)
	}
}

func TestNoChange(t *testing.T) {
	tests := []struct {
		name   string
		noETag bool
	}{
		{name: "304"},
		{name: "equal body", noETag: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t)
			r.svc.post("alice")
			r.mustCycle()
			r.svc.set(func(f *fakeService) { f.noETag = tt.noETag })
			r.mustCycle()
			r.mustCycle()
			if got := len(r.svc.dumpRequests()); got != 1 {
				t.Errorf("%d dump requests, want only the first sync's", got)
			}
			if n := r.svc.notModified; (n == 2) == tt.noETag {
				t.Errorf("%d answers 304, noETag %v", n, tt.noETag)
			}
			if n := r.runCount(); n != 1 {
				t.Errorf("update command ran %d times, want 1", n)
			}
			r.wantMessages("first copy: 1 accounts")
		})
	}
}

func TestOneTransition(t *testing.T) {
	r := newRig(t)
	r.svc.post("alice", "bob")
	r.mustCycle()
	r.svc.post("alice", "dave")
	r.mustCycle()
	r.wantMirror()
	if got := len(r.svc.dumpRequests()); got != 1 {
		t.Errorf("%d dump requests, want none after the first sync", got)
	}
	if n := r.runCount(); n != 2 {
		t.Errorf("update command ran %d times, want 2", n)
	}
	r.wantMessages("first copy", "added (1): dave\nremoved (1): bob")
}

func TestSeveralVersionsInOneInterval(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		t.Run("ignoreSince="+strconv.Itoa(b2i(ignore)), func(t *testing.T) {
			r := newRig(t)
			r.svc.set(func(f *fakeService) { f.ignoreSince = ignore })
			first := r.svc.post("alice")
			r.mustCycle()
			r.svc.post("alice", "bob")
			r.svc.post("alice", "bob", "carol")
			r.svc.post("bob", "carol")
			r.mustCycle()
			r.wantMirror()
			if got := r.svc.dumpRequests(); !cmp.Equal(got, []string{"", first.sum}) {
				t.Errorf("dump requests (since) = %q, want the first sync and one since %s", got, first.sum)
			}
			if n := r.runCount(); n != 2 {
				t.Errorf("update command ran %d times, want 2", n)
			}
			r.wantMessages("first copy", "versions stored: 3")
			r.wantMessages("first copy", "added (2): bob, carol\nremoved (1): alice")
		})
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
