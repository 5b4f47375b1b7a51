package poll

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/xecut/resident/chain"
)

// verifyCases are folders of versions and what verification must find.
func verifyCases() []struct {
	name     string
	files    func(v []ver) []ver
	last     int // index of the version last.json holds, -1 for none
	wantKind string
} {
	return []struct {
		name     string
		files    func(v []ver) []ver
		last     int
		wantKind string
	}{
		{name: "sound", files: func(v []ver) []ver { return v }, last: 2},
		{name: "sound without last.json", files: func(v []ver) []ver { return v }, last: -1},
		{name: "stale last.json", files: func(v []ver) []ver { return v }, last: 0, wantKind: KindStaleLast},
		{name: "bad name", last: -1, wantKind: chain.KindBadName, files: func(v []ver) []ver {
			return append(v, ver{name: "1700000000-abc.json", data: v[0].data})
		}},
		{name: "hash mismatch", last: -1, wantKind: chain.KindHashMismatch, files: func(v []ver) []ver {
			v[1].data = append([]byte(" "), v[1].data...)
			return v
		}},
		{name: "broken link", last: -1, wantKind: chain.KindBrokenLink, files: func(v []ver) []ver {
			return []ver{v[0], v[2]}
		}},
		{name: "fork", last: -1, wantKind: chain.KindFork, files: func(v []ver) []ver {
			return append(v, nextVersion(&v[0], users("eve")...))
		}},
		{name: "unreadable JSON", last: -1, wantKind: chain.KindUnreadable, files: func(v []ver) []ver {
			garbage := []byte("{not json")
			return append(v, ver{name: chain.FileName(5, chain.Sum(garbage)), data: garbage})
		}},
	}
}

func threeVersions() []ver {
	a := nextVersion(nil, users("alice")...)
	b := nextVersion(&a, users("alice", "bob")...)
	c := nextVersion(&b, users("bob")...)
	return []ver{a, b, c}
}

func TestVerifyDir(t *testing.T) {
	for _, tt := range verifyCases() {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			base := threeVersions()
			for _, v := range tt.files(threeVersions()) {
				os.WriteFile(filepath.Join(dir, v.name), v.data, 0o644)
			}
			if tt.last >= 0 {
				os.WriteFile(filepath.Join(dir, LastFile), base[tt.last].data, 0o644)
			}
			os.WriteFile(filepath.Join(dir, StateFile), []byte("{}"), 0o644)
			vs, err := VerifyDir(dir)
			checkVerify(t, vs, err, tt.wantKind)
		})
	}
}

func TestVerifyURL(t *testing.T) {
	for _, tt := range verifyCases() {
		if tt.last >= 0 && tt.wantKind != "" {
			continue // last.json is a folder's matter
		}
		t.Run(tt.name, func(t *testing.T) {
			svc := newFakeService(t)
			files := tt.files(threeVersions())
			svc.set(func(f *fakeService) {
				f.override = func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/dump" || r.URL.RawQuery != "" {
						t.Errorf("request %s, want /dump", r.URL)
					}
					w.Write(dumpOf(files))
				}
			})
			vs, err := VerifyURL(context.Background(), &http.Client{}, svc.srv.URL+"/accounts", testKey)
			checkVerify(t, vs, err, tt.wantKind)
		})
	}
}

func checkVerify(tb testing.TB, vs []chain.Version, err error, wantKind string) {
	tb.Helper()
	if wantKind == "" {
		if err != nil || len(vs) != 3 {
			tb.Fatalf("verify = %d versions, %v; want 3, nil", len(vs), err)
		}
		return
	}
	var p *chain.Problem
	if !errors.As(err, &p) || p.Kind != wantKind {
		tb.Fatalf("verify = %v, want a %q problem", err, wantKind)
	}
}
