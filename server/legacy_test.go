package server

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// readDump decodes a /dump answer into file name to content, keeping the
// order it came in.
func readDump(tb testing.TB, body []byte) (map[string][]byte, []string) {
	tb.Helper()
	files := map[string][]byte{}
	var order []string
	err := chain.ReadDump(bytes.NewReader(body), func(name string, data []byte) error {
		files[name] = data
		order = append(order, name)
		return nil
	})
	if err != nil {
		tb.Fatalf("ReadDump: %v\n%.300s", err, body)
	}
	return files, order
}

// TestLegacyServedAndExtended serves the earlier service's folder byte
// for byte, then chains a new version onto its head.
func TestLegacyServedAndExtended(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	legacy := readVersions(t, testenv.LegacyDir(t))
	ordered, err := chain.LoadDir(testenv.LegacyDir(t))
	if err != nil {
		t.Fatal(err)
	}
	head := ordered[len(ordered)-1]
	ts := newServer(t, dir)

	a := ts.get(t, "/accounts", readKey)
	if !bytes.Equal(a.body, legacy[head.Name]) {
		t.Fatalf("GET /accounts is not the legacy head %s byte for byte", head.Name)
	}
	if a.header.Get("Content-Type") != "application/json" || a.header.Get("ETag") != `"`+head.SHA256+`"` {
		t.Errorf("GET /accounts headers %v", a.header)
	}
	files, order := readDump(t, ts.get(t, "/dump", readKey).body)
	if !maps.EqualFunc(files, legacy, bytes.Equal) {
		t.Fatalf("/dump holds %d files that differ from the %d legacy files", len(files), len(legacy))
	}
	for i, v := range ordered {
		if order[i] != v.Name {
			t.Fatalf("/dump entry %d is %s, want %s (chain order)", i, order[i], v.Name)
		}
	}

	// Change one thing in the legacy head through the API.
	accounts := parseDoc(t, legacy[head.Name]).Accounts
	accounts[0].Resident = !accounts[0].Resident
	body := model.Marshal(model.Document{Accounts: accounts})
	wantStatus(t, "POST onto the legacy head", ts.post(t, writeKey, body, "If-Match", `"`+head.SHA256+`"`), 200)

	vs, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir after the POST: %v", err)
	}
	if len(vs) != len(legacy)+1 || vs[len(vs)-1].Last != head.SHA256 {
		t.Fatalf("after the POST the chain has %d versions ending in %+v, want %d linking to %s",
			len(vs), vs[len(vs)-1], len(legacy)+1, head.SHA256)
	}
	for name, data := range legacy {
		if got := readVersions(t, dir)[name]; !bytes.Equal(got, data) {
			t.Errorf("the POST changed legacy file %s", name)
		}
	}
	newest := ts.get(t, "/dump?since="+head.SHA256, readKey)
	files, _ = readDump(t, newest.body)
	if len(files) != 1 || files[vs[len(vs)-1].Name] == nil {
		t.Errorf("/dump?since=<legacy head> = %v, want only the new version", slices.Collect(maps.Keys(files)))
	}
}

func TestDumpSince(t *testing.T) {
	ts := newServer(t, testenv.LegacyCopy(t))
	vs, _ := ts.store.Versions("")
	tests := []struct {
		name  string
		query string
		want  int
		count int
	}{
		{"all", "", 200, len(vs)},
		{"since zero", "?since=" + chain.ZeroHash, 200, len(vs)},
		{"since first", "?since=" + vs[0].SHA256, 200, len(vs) - 1},
		{"since tenth", "?since=" + vs[9].SHA256, 200, len(vs) - 10},
		{"since head", "?since=" + vs[len(vs)-1].SHA256, 200, 0},
		{"unknown", "?since=" + strings.Repeat("ab", 32), 404, 0},
		{"not a hash", "?since=HEAD", 422, 0},
		{"upper case", "?since=" + strings.ToUpper(vs[0].SHA256), 422, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ts.get(t, "/dump"+tt.query, writeKey)
			wantStatus(t, "GET /dump"+tt.query, a, tt.want)
			switch tt.want {
			case 200:
				files, _ := readDump(t, a.body)
				if len(files) != tt.count {
					t.Errorf("GET /dump%s has %d versions, want %d", tt.query, len(files), tt.count)
				}
				if tt.count == 0 && string(a.body) != "{}" {
					t.Errorf("GET /dump%s = %s, want {}", tt.query, a.body)
				}
			case 404:
				checkDetail(t, a)
			case 422:
				if !hasProblem(decodeProblems(t, a.body), []any{"query", "since"}, model.TypeValue) {
					t.Errorf("422 body %s does not point at the query's since", a.body)
				}
			}
		})
	}
}

// TestConcurrentWritesMakeOneChain has 50 writers post at once. Every
// acknowledged write must be a version of one linear chain.
func TestConcurrentWritesMakeOneChain(t *testing.T) {
	ts := newServer(t, "")
	const writers = 50
	var wg sync.WaitGroup
	status := make([]int, writers)
	for i := range writers {
		wg.Go(func() {
			body := doc(t, acct(fmt.Sprintf("writer %02d", i)))
			status[i] = ts.post(t, writeKey, body).status
		})
	}
	wg.Wait()
	vs, err := chain.LoadDir(ts.dir)
	if err != nil {
		t.Fatalf("LoadDir after concurrent POSTs: %v", err)
	}
	stored := map[string]bool{}
	for _, v := range vs {
		data := readVersions(t, ts.dir)[v.Name]
		stored[parseDoc(t, data).Accounts[0].Username] = true
	}
	for i, s := range status {
		name := fmt.Sprintf("writer %02d", i)
		if s != 200 {
			t.Errorf("%s got status %d", name, s)
		}
		if !stored[name] {
			t.Errorf("%s was acknowledged but no version holds it", name)
		}
	}
	if len(vs) != writers {
		t.Errorf("the chain has %d versions, want %d", len(vs), writers)
	}
}

// TestConcurrentEditorsLoseNothing has 50 editors each add themselves
// with If-Match, reloading on 412: no edit may be lost.
func TestConcurrentEditorsLoseNothing(t *testing.T) {
	ts := newServer(t, "")
	const editors = 50
	var wg sync.WaitGroup
	for i := range editors {
		wg.Go(func() { addSelf(t, ts, fmt.Sprintf("editor %02d", i)) })
	}
	wg.Wait()
	head := parseDoc(t, ts.get(t, "/accounts", readKey).body)
	if len(head.Accounts) != editors {
		t.Fatalf("the head holds %d accounts, want all %d editors", len(head.Accounts), editors)
	}
	if vs, err := chain.LoadDir(ts.dir); err != nil || len(vs) != editors {
		t.Errorf("LoadDir = %d versions, %v; want %d", len(vs), err, editors)
	}
}

func addSelf(tb testing.TB, ts *testServer, name string) {
	for range 1000 {
		a := ts.get(tb, "/accounts", writeKey)
		d := parseDoc(tb, a.body)
		accounts := append(d.Accounts, model.Account{Username: name})
		r := ts.post(tb, writeKey, model.Marshal(model.Document{Accounts: accounts}),
			"If-Match", a.header.Get("ETag"))
		switch r.status {
		case http.StatusOK:
			return
		case http.StatusPreconditionFailed:
			continue
		default:
			tb.Errorf("%s: POST answered %d %s", name, r.status, r.body)
			return
		}
	}
	tb.Errorf("%s never got its edit in", name)
}
