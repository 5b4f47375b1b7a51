package e2e

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/xecut/resident/internal/testenv"
)

// diskRig is a server on a tmpfs with a few versions stored.
type diskRig struct {
	tb   testing.TB
	bin  string
	dir  string
	srv  *serveProc
	head answer // GET /accounts before the fault
	dump answer // GET /dump before the fault
}

func newDiskRig(tb testing.TB) *diskRig {
	tb.Helper()
	r := &diskRig{tb: tb, bin: residentBinary(tb), dir: testenv.Tmpfs(tb, "512k")}
	r.srv = runServe(tb, r.bin, r.dir, freeAddr(tb))
	l := newLedger()
	for _, tag := range []string{"before-1", "before-2", "before-3"} {
		if a := l.post(context.Background(), r.srv.base, tag); !a.ok() {
			tb.Fatalf("POST %s = %d %s %v", tag, a.status, a.body, a.err)
		}
	}
	r.head, r.dump = r.get("/accounts"), r.get("/dump")
	return r
}

func (r *diskRig) get(path string) answer {
	r.tb.Helper()
	a := call(context.Background(), http.MethodGet, r.srv.base+path, readKey, nil)
	if a.err != nil || a.status != http.StatusOK {
		r.tb.Fatalf("GET %s = %d %s %v", path, a.status, a.body, a.err)
	}
	return a
}

// refused posts during the fault and checks the answer, and that the
// head, the dump and the folder stayed as they were.
func (r *diskRig) refused(tag string, wantStatus int, wantMsg string) {
	r.tb.Helper()
	before := testenv.VersionNames(r.tb, r.dir)
	a := newLedger().post(context.Background(), r.srv.base, tag)
	if a.err != nil || a.status != wantStatus || !strings.Contains(a.body, wantMsg) {
		r.tb.Errorf("POST during the fault = %d %s %v, want %d saying %q", a.status, a.body, a.err,
			wantStatus, wantMsg)
	}
	if strings.Contains(a.body, r.dir) {
		r.tb.Errorf("the answer shows the server's path: %s", a.body)
	}
	if got := r.get("/accounts"); got.body != r.head.body || got.etag != r.head.etag {
		r.tb.Errorf("GET /accounts after the refused write = %s, want the old head %s",
			got.etag, r.head.etag)
	}
	if got := r.get("/dump"); got.body != r.dump.body {
		r.tb.Errorf("GET /dump changed after a refused write")
	}
	if after := testenv.VersionNames(r.tb, r.dir); strings.Join(after, ",") != strings.Join(before, ",") {
		r.tb.Errorf("version files changed by a refused write: %q, then %q", before, after)
	}
}

// recovered posts once the fault is gone and checks the new head.
func (r *diskRig) recovered(tag string) {
	r.tb.Helper()
	a := newLedger().post(context.Background(), r.srv.base, tag)
	if !a.ok() {
		r.tb.Fatalf("POST after the fault = %d %s %v, want {\"ok\":true}", a.status, a.body, a.err)
	}
	if got := r.get("/accounts"); got.etag == r.head.etag || !strings.Contains(got.body, tag) {
		r.tb.Errorf("GET /accounts after recovery = %s, want a new head holding %s", got.etag, tag)
	}
	r.srv.stop()
	tags := chainTags(r.tb, r.bin, r.dir)
	want := []string{"before-1", "before-2", "before-3", tag}
	if strings.Join(tags, ",") != strings.Join(want, ",") {
		r.tb.Errorf("chain after recovery = %q, want %q", tags, want)
	}
}

// TestDiskFull fills the data folder's disk: a write is refused with 507
// and a message saying so, reads go on, and writing works once space is
// freed.
func TestDiskFull(t *testing.T) {
	r := newDiskRig(t)
	filler := filepath.Join(r.dir, "filler")
	testenv.Fill(t, filler)
	r.refused("during-full", http.StatusInsufficientStorage, "disk is full")
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	r.recovered("after-full")
}

// TestReadOnlyFolder turns the data folder read-only under the running
// server. A remount of the tmpfs itself would be refused while the
// server holds its lock file open for writing, as the kernel does when it
// turns a failing disk read-only: a read-only bind mount of the folder
// over itself stops the server's writes, root's too, the same way.
func TestReadOnlyFolder(t *testing.T) {
	r := newDiskRig(t)
	writable := testenv.ReadOnly(t, r.dir)
	probe := filepath.Join(r.dir, "probe")
	if err := os.WriteFile(probe, nil, 0o644); !errors.Is(err, syscall.EROFS) {
		t.Fatalf("writing into the read-only folder = %v, want EROFS", err)
	}
	r.refused("during-ro", http.StatusInternalServerError, "not writable")
	writable()
	r.recovered("after-ro")
}
