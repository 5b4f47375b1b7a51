package chain_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// legacyHead is the newest version in the legacy folder.
const legacyHead = "1770089161-200e33b776c59850accbf0f2c9a5b06975ef6a107bfef68e385ca6860cb26a36.json"

// file is one version as it sits on disk.
type file struct {
	name string
	data []byte
}

// makeVersion returns a version written at unixtime after last, holding
// one account per username.
func makeVersion(unixtime int64, last string, usernames ...string) file {
	accounts := make([]model.Account, len(usernames))
	for i, u := range usernames {
		accounts[i] = model.Account{Username: u, Resident: true}
	}
	data := model.Marshal(model.Document{
		Meta:     model.Meta{Unixtime: unixtime, LastSHA256: last},
		Accounts: accounts,
	})
	return file{chain.FileName(unixtime, chain.Sum(data)), data}
}

// makeChain returns n linked versions, one second apart from start.
func makeChain(n int, start int64) []file {
	files := make([]file, n)
	last := chain.ZeroHash
	for i := range files {
		files[i] = makeVersion(start+int64(i), last, fmt.Sprintf("member %d", i))
		last = chain.Sum(files[i].data)
	}
	return files
}

func writeFiles(tb testing.TB, dir string, files ...file) {
	tb.Helper()
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// describe is what ReadVersion should say of f.
func describe(tb testing.TB, f file) chain.Version {
	tb.Helper()
	v, err := chain.ReadVersion(f.name, f.data)
	if err != nil {
		tb.Fatalf("ReadVersion(%s) = %v", f.name, err)
	}
	return v
}

func names(vs []chain.Version) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	return out
}

func fileNames(fs []file) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

// snapshot returns every file in dir by name.
func snapshot(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]string, len(entries))
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}

// clock is a settable fake clock for stamping versions.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(unix int64) *clock { return &clock{t: time.Unix(unix, 0)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(unix int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = time.Unix(unix, 0)
}

// openStore opens dir with clock c and closes it when the test ends.
func openStore(tb testing.TB, dir string, c *clock) *chain.Store {
	tb.Helper()
	s, err := chain.Open(dir, c.Now)
	if err != nil {
		tb.Fatalf("Open(%s) = %v", dir, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// add returns an update that appends an account named username.
func add(username string) func(chain.Head) ([]model.Account, error) {
	return func(h chain.Head) ([]model.Account, error) {
		accounts := append([]model.Account{}, h.Doc.Accounts...)
		return append(accounts, model.Account{Username: username}), nil
	}
}
