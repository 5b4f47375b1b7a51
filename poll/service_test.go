package poll

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

const testKey = "test-api-key-0123"

// ver is one version file as the service stores it.
type ver struct {
	name string
	data []byte
	sum  string
}

// fakeService plays the resident service over a scripted history: it
// checks the API key, serves the head with its ETag and 304, and /dump
// with or without ?since=.
type fakeService struct {
	tb  testing.TB
	srv *httptest.Server

	mu          sync.Mutex
	versions    []ver
	ignoreSince bool // as the earlier Python service did
	noETag      bool // never answer 304
	override    http.HandlerFunc
	dumps       []string // the since of each /dump request
	notModified int
}

func newFakeService(tb testing.TB) *fakeService {
	tb.Helper()
	f := &fakeService{tb: tb}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// nextVersion makes the bytes of a version after prev holding accounts.
func nextVersion(prev *ver, accounts ...model.Account) ver {
	meta := model.Meta{Unixtime: 1_700_000_000, LastSHA256: chain.ZeroHash}
	if prev != nil {
		var doc model.Document
		json.Unmarshal(prev.data, &doc)
		meta = model.Meta{Unixtime: doc.Meta.Unixtime + 60, LastSHA256: prev.sum}
	}
	data := model.Marshal(model.Document{Meta: meta, Accounts: accounts})
	sum := chain.Sum(data)
	return ver{name: chain.FileName(meta.Unixtime, sum), data: data, sum: sum}
}

func users(names ...string) []model.Account {
	out := make([]model.Account, len(names))
	for i, n := range names {
		out[i] = model.Account{Username: n}
	}
	return out
}

// post appends a version holding accounts with these usernames.
func (f *fakeService) post(names ...string) ver {
	f.mu.Lock()
	defer f.mu.Unlock()
	var prev *ver
	if len(f.versions) > 0 {
		prev = &f.versions[len(f.versions)-1]
	}
	v := nextVersion(prev, users(names...)...)
	f.versions = append(f.versions, v)
	return v
}

// rewrite drops every version after the first keep ones.
func (f *fakeService) rewrite(keep int) []ver {
	f.mu.Lock()
	defer f.mu.Unlock()
	old := append([]ver(nil), f.versions...)
	f.versions = f.versions[:keep:keep]
	return old
}

func (f *fakeService) restore(vs []ver) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.versions = append([]ver(nil), vs...)
}

func (f *fakeService) head() ver {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.versions[len(f.versions)-1]
}

func (f *fakeService) set(fn func(f *fakeService)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func (f *fakeService) dumpRequests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.dumps...)
}

func (f *fakeService) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+testKey {
		http.Error(w, `{"detail":"unauthorized"}`, http.StatusUnauthorized)
		return
	}
	if f.override != nil {
		f.override(w, r)
		return
	}
	switch r.URL.Path {
	case "/accounts":
		f.serveAccounts(w, r)
	case "/dump":
		f.serveDump(w, r)
	default:
		f.tb.Errorf("fake service: unexpected %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	}
}

func (f *fakeService) serveAccounts(w http.ResponseWriter, r *http.Request) {
	data, sum := chain.Stub, chain.ZeroHash
	if len(f.versions) > 0 {
		v := f.versions[len(f.versions)-1]
		data, sum = v.data, v.sum
	}
	w.Header().Set("ETag", `"`+sum+`"`)
	if !f.noETag && r.Header.Get("If-None-Match") == `"`+sum+`"` {
		f.notModified++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

func (f *fakeService) serveDump(w http.ResponseWriter, r *http.Request) {
	since := r.URL.Query().Get("since")
	f.dumps = append(f.dumps, since)
	vs := f.versions
	if since != "" && !f.ignoreSince {
		i := f.index(since)
		if i < 0 {
			http.Error(w, `{"detail":"since: unknown"}`, http.StatusNotFound)
			return
		}
		vs = vs[i+1:]
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(dumpOf(vs))
}

func (f *fakeService) index(sum string) int {
	for i, v := range f.versions {
		if v.sum == sum {
			return i
		}
	}
	return -1
}

// dumpOf encodes versions as /dump does.
func dumpOf(vs []ver) []byte {
	return testenv.Dump(len(vs), func(i int) (string, []byte) { return vs[i].name, vs[i].data })
}

// loadFolder reads a data folder's version files into a service history.
func loadFolder(tb testing.TB, dir string) []ver {
	tb.Helper()
	vs, err := chain.LoadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	out := make([]ver, len(vs))
	for i, v := range vs {
		data, err := os.ReadFile(filepath.Join(dir, v.Name))
		if err != nil {
			tb.Fatal(err)
		}
		out[i] = ver{name: v.Name, data: data, sum: v.SHA256}
	}
	return out
}

func namesOf(vs []ver) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.name
	}
	sort.Strings(out)
	return out
}
