package chain_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

func TestOpenEmpty(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := openStore(t, dir, newClock(1700000000))
	h := s.Head()
	if h.SHA256 != chain.ZeroHash || !bytes.Equal(h.Bytes, chain.Stub) || h.Invalid != nil {
		t.Errorf("Head() of an empty store = %s %q %v, want the stub", h.SHA256, h.Bytes, h.Invalid)
	}
	if len(h.Doc.Accounts) != 0 || h.Doc.Accounts == nil {
		t.Errorf("stub accounts = %#v, want an empty list", h.Doc.Accounts)
	}
	vs, err := s.Versions("")
	if err != nil || len(vs) != 0 {
		t.Errorf("Versions(\"\") = %v, %v, want none", vs, err)
	}
	if s.Dir() != dir {
		t.Errorf("Dir() = %s, want %s", s.Dir(), dir)
	}
	doc, err := model.Parse(chain.Stub)
	if err != nil || len(doc.Accounts) != 0 || doc.Meta.LastSHA256 != chain.ZeroHash {
		t.Errorf("Parse(Stub) = %+v, %v, want a valid empty document", doc, err)
	}
	if canon := model.Marshal(*doc); !bytes.Equal(canon, chain.Stub) {
		t.Errorf("Stub = %s, not in canonical form %s", chain.Stub, canon)
	}
}

// TestOpenMissingParent checks that a typo above the data folder is an
// error naming the missing folder, not a new empty chain.
func TestOpenMissingParent(t *testing.T) {
	parent := filepath.Join(t.TempDir(), "srv", "resident")
	dir := filepath.Join(parent, "data")
	s, err := chain.Open(dir, newClock(1).Now)
	if err == nil {
		s.Close()
		t.Fatalf("Open(%s) = nil error, want one naming %s", dir, parent)
	}
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), parent+" does not exist") {
		t.Errorf("Open(%s) = %v, want ErrNotExist naming %s", dir, err, parent)
	}
	if _, err := os.Stat(filepath.Dir(parent)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open created %s: %v", filepath.Dir(parent), err)
	}
}

func TestOpenLock(t *testing.T) {
	dir := t.TempDir()
	c := newClock(1700000000)
	s, err := chain.Open(dir, c.Now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chain.Open(dir, c.Now); !errors.Is(err, chain.ErrLocked) {
		t.Fatalf("second Open(%s) = %v, want ErrLocked", dir, err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	again, err := chain.Open(dir, c.Now)
	if err != nil {
		t.Fatalf("Open after Close = %v", err)
	}
	again.Close()
}

func TestOpenBrokenChain(t *testing.T) {
	dir := t.TempDir()
	c := makeChain(3, 1700000000)
	writeFiles(t, dir, c[0], c[2])
	_, err := chain.Open(dir, newClock(1).Now)
	checkProblem(t, err, c[2].name, chain.KindBrokenLink, "")
	// A refused Open must not keep the folder locked.
	writeFiles(t, dir, c[1])
	s := openStore(t, dir, newClock(1))
	if got := s.Head().SHA256; got != chain.Sum(c[2].data) {
		t.Errorf("Head() = %s, want %s", got, chain.Sum(c[2].data))
	}
}

// A stored head that breaks a rule made later is still served, marked.
func TestOpenInvalidHead(t *testing.T) {
	dir := t.TempDir()
	v := makeVersion(1700000000, chain.ZeroHash, "ana", "ana")
	writeFiles(t, dir, v)
	s := openStore(t, dir, newClock(1))
	h := s.Head()
	if h.Invalid == nil || !bytes.Equal(h.Bytes, v.data) || len(h.Doc.Accounts) != 2 {
		t.Errorf("Head() = %q, %v, want the stored bytes and a problem", h.Bytes, h.Invalid)
	}
	if h.Known != nil {
		t.Errorf("Head().Known is set for a head that breaks a rule")
	}
}

// A commit onto a head that breaks a rule keeps the problem known when the
// accounts carry it over, and drops it when they no longer do.
func TestCommitOntoInvalidHead(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, makeVersion(1700000000, chain.ZeroHash, "ana", "ana"))
	s := openStore(t, dir, newClock(1700000100))
	flip := func(h chain.Head) ([]model.Account, error) {
		accounts := append([]model.Account{}, h.Doc.Accounts...)
		accounts[0].Resident = !accounts[0].Resident
		return accounts, nil
	}
	if _, _, err := s.Commit("", flip); err != nil {
		t.Fatalf("Commit(flip) = %v", err)
	}
	if h := s.Head(); h.Invalid == nil || h.Known != nil {
		t.Errorf("Head() after a flip of a head with two accounts ana: Invalid %v, Known %v; "+
			"want the duplicate and no known accounts", h.Invalid, h.Known)
	}
	fix := func(h chain.Head) ([]model.Account, error) {
		return []model.Account{{Username: "ana"}, {Username: "bob"}}, nil
	}
	if _, _, err := s.Commit("", fix); err != nil {
		t.Fatalf("Commit(fix) = %v", err)
	}
	if h := s.Head(); h.Invalid != nil || h.Known == nil {
		t.Errorf("Head() after the duplicate was renamed: Invalid %v, Known %v; want sound and known",
			h.Invalid, h.Known)
	}
}

func TestCommitClock(t *testing.T) {
	tests := []struct {
		name  string
		clock []int64 // the clock at each of three commits
		want  []int64
	}{
		{"clock moving on",
			[]int64{1700000000, 1700000005, 1700000100}, []int64{1700000000, 1700000005, 1700000100}},
		{"clock standing still",
			[]int64{1700000000, 1700000000, 1700000000}, []int64{1700000000, 1700000001, 1700000002}},
		{"clock going back",
			[]int64{1700000000, 1699999000, 1600000000}, []int64{1700000000, 1700000001, 1700000002}},
		{"clock before 1970", []int64{-5, -5, 3}, []int64{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			c := newClock(0)
			s := openStore(t, dir, c)
			last := chain.ZeroHash
			for i, now := range tt.clock {
				c.Set(now)
				v, changed, err := s.Commit("", add(fmt.Sprintf("member %d", i)))
				if err != nil || !changed {
					t.Fatalf("Commit %d = %v, %v, want a new version", i, changed, err)
				}
				checkStored(t, dir, v, last, tt.want[i])
				if h := s.Head(); h.SHA256 != v.SHA256 || len(h.Doc.Accounts) != i+1 {
					t.Errorf("Head() after commit %d = %s with %d accounts, want %s with %d",
						i, h.SHA256, len(h.Doc.Accounts), v.SHA256, i+1)
				}
				last = v.SHA256
			}
		})
	}
}

// checkStored reads v back from dir and checks its name, hash, link and
// time, the way a consumer would.
func checkStored(t *testing.T, dir string, v chain.Version, last string, unixtime int64) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, v.Name))
	if err != nil {
		t.Fatalf("version %s not on disk: %v", v.Name, err)
	}
	got, err := chain.ReadVersion(v.Name, data)
	if err != nil {
		t.Fatalf("ReadVersion(%s) = %v", v.Name, err)
	}
	want := chain.Version{Name: chain.FileName(unixtime, chain.Sum(data)), Unixtime: unixtime,
		SHA256: chain.Sum(data), Last: last, Size: int64(len(data))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stored version (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, v); diff != "" {
		t.Errorf("Commit returned (-want +got):\n%s", diff)
	}
	doc, err := model.Parse(data)
	if err != nil {
		t.Fatalf("Parse(%s) = %v", v.Name, err)
	}
	if canon := model.Marshal(*doc); !bytes.Equal(canon, data) {
		t.Errorf("%s is not canonical:\n%s\nwant\n%s", v.Name, data, canon)
	}
}

func TestCommitIfMatch(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newClock(1700000000))
	if _, _, err := s.Commit(chain.Sum([]byte("x")), add("ana")); !errors.Is(err, chain.ErrPrecondition) {
		t.Fatalf("Commit(wrong If-Match) on the stub = %v, want ErrPrecondition", err)
	}
	first, _, err := s.Commit(chain.ZeroHash, add("ana"))
	if err != nil {
		t.Fatalf("Commit(ZeroHash) on the stub = %v", err)
	}
	before := snapshot(t, dir)
	called := false
	_, _, err = s.Commit(chain.ZeroHash, func(h chain.Head) ([]model.Account, error) {
		called = true
		return nil, nil
	})
	if !errors.Is(err, chain.ErrPrecondition) || called {
		t.Errorf("Commit(stale If-Match) = %v (update called: %v), want ErrPrecondition before any update", err, called)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("a refused Commit changed the folder (-before +after):\n%s", diff)
	}
	if _, changed, err := s.Commit(first.SHA256, add("bob")); err != nil || !changed {
		t.Errorf("Commit(current If-Match) = %v, %v, want a new version", changed, err)
	}
}

func TestCommitNoChange(t *testing.T) {
	dir := t.TempDir()
	c := newClock(1700000000)
	s := openStore(t, dir, c)
	first, _, err := s.Commit("", add("ana"))
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, dir)
	c.Set(1800000000)
	same := func(h chain.Head) ([]model.Account, error) {
		// Equal accounts, built anew and with nil lists instead of empty.
		return []model.Account{{Username: "ana"}}, nil
	}
	v, changed, err := s.Commit(first.SHA256, same)
	if err != nil || changed || v != first {
		t.Errorf("Commit(no change) = %+v, %v, %v, want the head, false, nil", v, changed, err)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("Commit(no change) changed the folder (-before +after):\n%s", diff)
	}
	// On the stub, an empty list is no change either.
	empty := openStore(t, t.TempDir(), c)
	v, changed, err = empty.Commit("", func(chain.Head) ([]model.Account, error) { return nil, nil })
	if err != nil || changed || v.SHA256 != chain.ZeroHash {
		t.Errorf("Commit(nothing) on the stub = %+v, %v, %v, want no version", v, changed, err)
	}
}

func TestCommitUpdateError(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newClock(1700000000))
	boom := errors.New("boom")
	if _, _, err := s.Commit("", func(chain.Head) ([]model.Account, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Errorf("Commit = %v, want the update's error", err)
	}
	if got := snapshot(t, dir); len(got) != 1 {
		t.Errorf("folder after a failed update = %v, want only the lock", got)
	}
}

// The legacy folder is served unchanged and new versions chain onto it.
func TestCommitOntoLegacy(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	before := snapshot(t, dir)
	c := newClock(1000)
	s := openStore(t, dir, c)
	h := s.Head()
	if h.SHA256 != strings.TrimSuffix(strings.SplitN(legacyHead, "-", 2)[1], ".json") || h.Invalid != nil {
		t.Fatalf("Head() = %s (%v), want the legacy head %s", h.SHA256, h.Invalid, legacyHead)
	}
	if string(h.Bytes) != before[legacyHead] {
		t.Errorf("Head().Bytes differ from the file %s", legacyHead)
	}
	if h.Known == nil {
		t.Errorf("Head().Known is nil for the sound legacy head")
	}
	v, changed, err := s.Commit(h.SHA256, add("newcomer"))
	if err != nil || !changed {
		t.Fatalf("Commit onto legacy = %v, %v", changed, err)
	}
	checkStored(t, dir, v, h.SHA256, 1770089161+1)
	after := snapshot(t, dir)
	for name, data := range before {
		if after[name] != data {
			t.Errorf("%s changed by a commit", name)
		}
	}
	vs, err := chain.LoadDir(dir)
	if err != nil || len(vs) != 31 || vs[30].Name != v.Name {
		t.Errorf("LoadDir after commit = %d versions, %v, want 31 ending with %s", len(vs), err, v.Name)
	}
}

func TestVersionsSince(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	s := openStore(t, dir, newClock(1))
	all, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		since   string
		want    []chain.Version
		wantErr error
	}{
		{"everything", "", all, nil},
		{"from the start", chain.ZeroHash, all, nil},
		{"after the first", all[0].SHA256, all[1:], nil},
		{"after the tenth", all[9].SHA256, all[10:], nil},
		{"after the head", all[29].SHA256, []chain.Version{}, nil},
		{"unknown", chain.Sum([]byte("x")), nil, chain.ErrUnknownVersion},
		{"not a hash", "latest", nil, chain.ErrUnknownVersion},
		{"in capitals", strings.ToUpper(all[0].SHA256), nil, chain.ErrUnknownVersion},
		{"too long", all[0].SHA256 + "00", nil, chain.ErrUnknownVersion},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Versions(tt.since)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Versions(%q) error = %v, want %v", tt.since, err, tt.wantErr)
			}
			// Whole descriptions: the store keeps a compact index and
			// must give back what LoadDir read, links and sizes included.
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Versions(%q) (-want +got):\n%s", tt.since, diff)
			}
		})
	}
	if s.Len() != len(all) {
		t.Errorf("Len() = %d, want %d", s.Len(), len(all))
	}
	v, _, err := s.Commit("", add("newcomer"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != len(all)+1 {
		t.Errorf("Len() after a commit = %d, want %d", s.Len(), len(all)+1)
	}
	got, err := s.Versions(all[29].SHA256)
	if err != nil || len(got) != 1 || got[0] != v {
		t.Errorf("Versions(old head) after a commit = %v, %v, want [%s]", names(got), err, v.Name)
	}
}

// 50 writers at once give one linear chain holding every write.
func TestCommitConcurrent(t *testing.T) {
	dir := t.TempDir()
	s := openStore(t, dir, newClock(1700000000))
	const writers = 50
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, changed, err := s.Commit("", add(fmt.Sprintf("writer %02d", i))); err != nil || !changed {
				errs <- fmt.Errorf("writer %d: changed=%v err=%v", i, changed, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	vs, err := chain.LoadDir(dir)
	if err != nil || len(vs) != writers {
		t.Fatalf("LoadDir = %d versions, %v, want %d in one chain", len(vs), err, writers)
	}
	for i := 1; i < len(vs); i++ {
		if vs[i].Unixtime <= vs[i-1].Unixtime {
			t.Errorf("%s is not later than %s", vs[i].Name, vs[i-1].Name)
		}
	}
	var got []string
	for _, a := range s.Head().Doc.Accounts {
		got = append(got, a.Username)
	}
	slices.Sort(got)
	if len(slices.Compact(slices.Clone(got))) != writers || len(got) != writers {
		t.Errorf("head accounts = %v, want %d distinct writers", got, writers)
	}
}
