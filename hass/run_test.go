package hass

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/internal/testenv"
)

// recorder is a Notifier that keeps what it was asked to send.
type recorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *recorder) Notify(_ context.Context, text string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, text)
}

func (r *recorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.sent
	r.sent = nil
	return s
}

// account is the part of an account the door map is built from.
type account struct {
	name, telegram, prefix string
}

// writeLast writes a valid last.json holding accounts.
func writeLast(tb testing.TB, path string, accounts ...account) {
	tb.Helper()
	var list []map[string]any
	for _, a := range accounts {
		acc := map[string]any{"username": a.name, "decentrala": false, "resident": true,
			"vpn": []any{}, "ssh_keys": []any{}, "fee_payments": []any{}}
		if a.telegram != "" {
			acc["telegram"] = a.telegram
		}
		if a.prefix != "" {
			acc["otp_prefix"] = a.prefix
		}
		list = append(list, acc)
	}
	doc := map[string]any{"meta": map[string]any{"unixtime": 1736542445,
		"last_sha256": strings.Repeat("0", 64)}, "accounts": list}
	b, err := json.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

var residents = []account{
	{"Alice K.", "alice_k", "0123"},
	{"Bob", "yes", "7"},
	{"Mina N.", "3787093963", "1234"},
	{"No prefix", "carol", ""},
	{"No Telegram", "", "555"},
}

// jobEnv is a data folder, an automations file and a fake Home Assistant.
type jobEnv struct {
	dir, automations, last string
	ha                     *fakeHA
	notes                  *recorder
	job                    *Job
}

func newJobEnv(tb testing.TB, automations string) *jobEnv {
	tb.Helper()
	dir := tb.TempDir()
	e := &jobEnv{dir: dir, automations: filepath.Join(dir, "automations.yaml"),
		last: filepath.Join(dir, "last.json"), ha: newFakeHA(tb, haToken), notes: &recorder{}}
	if err := os.WriteFile(e.automations, []byte(automations), 0o640); err != nil {
		tb.Fatal(err)
	}
	writeLast(tb, e.last, residents...)
	log := slog.New(slog.DiscardHandler)
	e.job = &Job{
		LastPath: e.last, StatePath: filepath.Join(dir, StateFile), Host: "ha-box",
		Updater: &Updater{Path: e.automations, Alias: alias, HA: NewClient(e.ha.URL(), haToken), Log: log,
			ConfirmTries: 3, ConfirmWait: time.Millisecond},
		Notifier: e.notes, Log: log,
	}
	return e
}

func (e *jobEnv) file(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile(e.automations)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

const doorAutomation = "- id: door\n  alias: Record on CODE\n  actions:\n  - variables:\n      uid_map:\n" +
	"        '1': old\n  mode: queued\n"

const doorWant = "- id: door\n  alias: Record on CODE\n  actions:\n  - variables:\n      uid_map:\n" +
	"        '0123': 'alice_k'\n        '1234': '3787093963'\n        '7': 'yes'\n  mode: queued\n"

func TestJobWritesAndReloads(t *testing.T) {
	e := newJobEnv(t, doorAutomation)
	e.ha.onReload = func() {
		if got := e.file(t); got != doorWant {
			t.Errorf("at reload the file holds\n%s\nwant\n%s", got, doorWant)
		}
	}
	res, err := e.job.Run(context.Background())
	if err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if want := (Result{Entries: 3, Changed: true, Reloaded: true}); res != want {
		t.Errorf("Run() = %+v, want %+v", res, want)
	}
	if got := e.file(t); got != doorWant {
		t.Errorf("automations file =\n%s\nwant\n%s", got, doorWant)
	}
	if fi, _ := os.Stat(e.automations); fi.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640 kept", fi.Mode().Perm())
	}
	want := []string{"POST " + ReloadPath, "GET " + StatesPath}
	if strings.Join(e.ha.requests, ",") != strings.Join(want, ",") {
		t.Errorf("requests = %v, want %v", e.ha.requests, want)
	}
	if n := e.notes.take(); len(n) != 0 {
		t.Errorf("notified %q on success", n)
	}

	// The same data again: nothing to write, nothing to reload.
	res, err = e.job.Run(context.Background())
	if err != nil || res.Changed || res.Reloaded || e.ha.reloadCount() != 1 {
		t.Errorf("second Run() = %+v, %v, %d reloads; want no change and no reload", res, err, e.ha.reloadCount())
	}
}

func TestJobShrinksToEmpty(t *testing.T) {
	e := newJobEnv(t, doorAutomation)
	writeLast(t, e.last, account{"Carol", "carol", ""})
	if _, err := e.job.Run(context.Background()); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	want := strings.Replace(doorAutomation, "uid_map:\n        '1': old\n", "uid_map: {}\n", 1)
	if got := e.file(t); got != want {
		t.Errorf("automations file =\n%s\nwant\n%s", got, want)
	}
}

// TestJobFailures checks that each failure leaves the file as it was (or,
// after a failed reload, with the new valid map), exits with an error that
// says which, and is notified.
func TestJobFailures(t *testing.T) {
	tests := []struct {
		name      string
		setup     func(tb testing.TB, e *jobEnv)
		wantErr   error
		wantMsg   string
		wantFile  string // the automations file afterwards
		wantNotes int
	}{
		{name: "last.json missing", setup: func(tb testing.TB, e *jobEnv) { os.Remove(e.last) },
			wantErr: os.ErrNotExist, wantMsg: "read last.json", wantFile: doorAutomation},
		{name: "last.json invalid", setup: func(tb testing.TB, e *jobEnv) {
			writeLast(tb, e.last, account{"A", "a", "P1"}, account{"B", "b", "7"})
		}, wantMsg: "must not start with P", wantFile: doorAutomation},
		{name: "last.json not JSON", setup: func(tb testing.TB, e *jobEnv) {
			os.WriteFile(e.last, []byte(`{"meta":`), 0o644)
		}, wantMsg: "invalid JSON", wantFile: doorAutomation},
		{name: "automations file missing", setup: func(tb testing.TB, e *jobEnv) { os.Remove(e.automations) },
			wantErr: os.ErrNotExist, wantMsg: "read automations file"},
		{name: "YAML invalid", setup: func(tb testing.TB, e *jobEnv) {
			os.WriteFile(e.automations, []byte(doorAutomation+"- [\n"), 0o640)
		}, wantErr: ErrInvalidYAML, wantFile: doorAutomation + "- [\n"},
		{name: "alias absent", setup: func(tb testing.TB, e *jobEnv) { e.job.Updater.Alias = "Door" },
			wantErr: ErrAliasNotFound, wantFile: doorAutomation},
		{name: "alias twice", setup: func(tb testing.TB, e *jobEnv) {
			os.WriteFile(e.automations, []byte(doorAutomation+doorAutomation), 0o640)
		}, wantErr: ErrAliasTwice, wantFile: doorAutomation + doorAutomation},
		{name: "no uid_map", setup: func(tb testing.TB, e *jobEnv) {
			os.WriteFile(e.automations, []byte("- alias: Record on CODE\n  actions: []\n"), 0o640)
		}, wantErr: ErrNoUIDMap, wantFile: "- alias: Record on CODE\n  actions: []\n"},
		{name: "reload refused", setup: func(tb testing.TB, e *jobEnv) { e.ha.reloadStatus = 500 },
			wantErr: ErrRefused, wantMsg: "holds the new door map", wantFile: doorWant},
		{name: "token refused", setup: func(tb testing.TB, e *jobEnv) {
			e.job.Updater.HA = NewClient(e.ha.URL(), "expired")
		}, wantErr: ErrRefused, wantMsg: "401", wantFile: doorWant},
		{name: "Home Assistant down", setup: func(tb testing.TB, e *jobEnv) { e.ha.srv.Close() },
			wantErr: ErrUnreachable, wantFile: doorWant},
		{name: "entity missing", setup: func(tb testing.TB, e *jobEnv) {
			e.ha.states = func(int) []map[string]any { return nil }
		}, wantErr: ErrEntityMissing, wantMsg: `no automation entity in /api/states has attributes.id "door"`,
			wantFile: doorWant},
		{name: "entity unavailable", setup: func(tb testing.TB, e *jobEnv) {
			e.ha.states = func(int) []map[string]any {
				return []map[string]any{automationEntity("door", alias, "unavailable")}
			}
		}, wantErr: ErrEntityUnavailable, wantFile: doorWant},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newJobEnv(t, doorAutomation)
			tt.setup(t, e)
			_, err := e.job.Run(context.Background())
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Run() = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || strings.Contains(err.Error(), haToken) {
				t.Errorf("Run() error %q should say %q and never the token", err, tt.wantMsg)
			}
			if b, _ := os.ReadFile(e.automations); string(b) != tt.wantFile {
				t.Errorf("automations file =\n%s\nwant\n%s", b, tt.wantFile)
			}
			notes := e.notes.take()
			if len(notes) != 1 || !strings.Contains(notes[0], "failed") || !strings.Contains(notes[0], "ha-box") {
				t.Errorf("notified %q, want one failure notice naming the host", notes)
			}
			// The poller runs the command again next cycle: the same
			// failure is not notified again.
			if _, err := e.job.Run(context.Background()); err == nil {
				t.Fatalf("second Run() succeeded")
			}
			if notes := e.notes.take(); len(notes) != 0 {
				t.Errorf("second failure notified again: %q", notes)
			}
		})
	}
}

// TestJobReloadOwed fails a reload, then runs again with Home Assistant
// back: the file is already up to date, but the reload that was owed
// happens, and the recovery is notified.
func TestJobReloadOwed(t *testing.T) {
	e := newJobEnv(t, doorAutomation)
	e.ha.set(func(f *fakeHA) { f.reloadStatus = 500 })
	if _, err := e.job.Run(context.Background()); !errors.Is(err, ErrRefused) {
		t.Fatalf("Run() = %v, want a refused reload", err)
	}
	e.notes.take()
	e.ha.set(func(f *fakeHA) { f.reloadStatus = 0 })
	res, err := e.job.Run(context.Background())
	if err != nil || res.Changed || !res.Reloaded || e.ha.reloadCount() != 1 {
		t.Fatalf("Run() = %+v, %v with %d reloads; want the owed reload", res, err, e.ha.reloadCount())
	}
	if notes := e.notes.take(); len(notes) != 1 || !strings.Contains(notes[0], "works again") {
		t.Errorf("notified %q, want one recovery notice", notes)
	}
	if res, _ := e.job.Run(context.Background()); res.Reloaded {
		t.Errorf("third Run() reloaded again; the owed reload was paid")
	}
}

// TestJobWaitsForEntity plays a reload that Home Assistant finishes after
// it answered: the entity shows up on the third look.
func TestJobWaitsForEntity(t *testing.T) {
	e := newJobEnv(t, doorAutomation)
	e.ha.states = func(n int) []map[string]any {
		if n < 3 {
			return nil
		}
		return []map[string]any{automationEntity("door", alias, "on")}
	}
	if _, err := e.job.Run(context.Background()); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if e.ha.statesCalls != 3 {
		t.Errorf("looked at the states %d times, want 3", e.ha.statesCalls)
	}
}

// TestUpdaterConcurrentEdit plays Home Assistant's editor saving the file
// between our read and our write: the write must not overwrite the
// editor's change but patch the new content.
func TestUpdaterConcurrentEdit(t *testing.T) {
	const editorAdds = "- id: lamp\n  alias: Lamp\n  actions: []\n"
	tests := []struct {
		name      string
		edits     int // reads after which the editor saves
		wantErr   error
		wantFile  string
		wantReads int
	}{
		{name: "saved once", edits: 1, wantFile: doorWant + editorAdds, wantReads: 2},
		{name: "saved on every attempt", edits: DefaultAttempts, wantErr: ErrKeptChanging,
			wantFile: doorAutomation + strings.Repeat(editorAdds, DefaultAttempts), wantReads: DefaultAttempts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newJobEnv(t, doorAutomation)
			u := e.job.Updater
			reads := 0
			u.readFile = func(path string) ([]byte, error) {
				b, err := os.ReadFile(path)
				reads++
				if reads <= tt.edits {
					os.WriteFile(path, append(bytes.Clone(b), editorAdds...), 0o640)
				}
				return b, err
			}
			m, _ := BuildMap(mustRead(t, e.last))
			_, _, err := u.Write(m)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Write() = %v, want %v", err, tt.wantErr)
			}
			if got := e.file(t); got != tt.wantFile || reads != tt.wantReads {
				t.Errorf("after %d reads the file is\n%s\nwant %d reads and\n%s", reads, got, tt.wantReads, tt.wantFile)
			}
		})
	}
}

func mustRead(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func TestBuildMap(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		accounts []account
		want     []Pair
		wantErr  bool
	}{
		{name: "sorted by prefix, only accounts with both", accounts: residents,
			want: []Pair{{"0123", "alice_k"}, {"1234", "3787093963"}, {"7", "yes"}}},
		{name: "nobody", accounts: []account{{"Carol", "carol", ""}}, want: nil},
		{name: "duplicate prefix refused", accounts: []account{{"A", "a", "7"}, {"B", "b", "7"}}, wantErr: true},
		{name: "invalid account refused", accounts: []account{{"A", "a", "7"}, {"", "b", "8"}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "last.json")
			writeLast(t, path, tt.accounts...)
			got, err := BuildMap(mustRead(t, path))
			if (err != nil) != tt.wantErr {
				t.Fatalf("BuildMap() error = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); !tt.wantErr && diff != "" {
				t.Errorf("BuildMap() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBuildMapLegacy reads the newest version of the Python-era data.
func TestBuildMapLegacy(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(testenv.LegacyDir(t), "*.json"))
	if len(files) == 0 {
		t.Fatal("the legacy data folder holds no version")
	}
	m, err := BuildMap(mustRead(t, files[len(files)-1]))
	if err != nil {
		t.Fatalf("BuildMap(legacy) = %v", err)
	}
	if len(m) == 0 {
		t.Fatal("BuildMap(legacy) is empty")
	}
	for i := 1; i < len(m); i++ {
		if m[i-1].Prefix >= m[i].Prefix {
			t.Errorf("not sorted: %q before %q", m[i-1].Prefix, m[i].Prefix)
		}
	}
}

// TestJobRefuse reports a config mistake once while it lasts, and the
// recovery when a run succeeds.
func TestJobRefuse(t *testing.T) {
	e := newJobEnv(t, doorAutomation)
	bad := errors.New(`config c.json: field "hass_token" is required`)
	for range 2 {
		if err := e.job.Refuse(context.Background(), bad); err != bad {
			t.Fatalf("Refuse() = %v, want the error given", err)
		}
	}
	if notes := e.notes.take(); len(notes) != 1 || !strings.Contains(notes[0], "hass_token") {
		t.Errorf("notified %q, want the config mistake once", notes)
	}
	if _, err := e.job.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if notes := e.notes.take(); len(notes) != 1 || !strings.Contains(notes[0], "works again: the door map has 3 codes") {
		t.Errorf("notified %q, want one recovery notice", notes)
	}
}
