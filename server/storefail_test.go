package server

import (
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xecut/resident/internal/testenv"
)

// TestDiskFull fills the data folder's disk: the POST answers 507 with a
// clear message, the head stays, no partial file is left, and the store
// works again once there is room.
func TestDiskFull(t *testing.T) {
	dir := testenv.Tmpfs(t, "64k")
	ts := newServer(t, dir)
	wantStatus(t, "first POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	head := ts.get(t, "/accounts", readKey).body
	filler := filepath.Join(dir, "filler")
	testenv.Fill(t, filler)
	before := allFiles(t, dir)

	big := doc(t, acct("Ana"), acct(strings.Repeat("B", 8000)))
	a := ts.post(t, writeKey, big)
	wantStatus(t, "POST on a full disk", a, http.StatusInsufficientStorage)
	if !strings.Contains(string(a.body), "full") || !strings.Contains(string(a.body), "nothing was changed") {
		t.Errorf("507 body = %s, want it to say the disk is full and nothing changed", a.body)
	}
	if strings.Contains(string(a.body), dir) {
		t.Errorf("507 body %s shows the server's path", a.body)
	}
	if got := ts.get(t, "/accounts", readKey).body; string(got) != string(head) {
		t.Errorf("the head changed after a failed write")
	}
	if after := allFiles(t, dir); !slices.Equal(before, after) {
		t.Errorf("the failed write left files: %v, before %v", after, before)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "POST with room again", ts.post(t, writeKey, big), 200)
	if names := testenv.VersionNames(t, dir); len(names) != 2 {
		t.Errorf("after recovery the folder holds versions %v, want 2", names)
	}
}

// TestReadOnlyFolder turns the data folder read-only: POST answers
// 500 saying so, reads go on, and writes work again once it is writable.
func TestReadOnlyFolder(t *testing.T) {
	dir := testenv.Tmpfs(t, "1m")
	ts := newServer(t, dir)
	wantStatus(t, "first POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	writable := testenv.ReadOnly(t, dir)
	a := ts.post(t, writeKey, doc(t, acct("Bojan")))
	wantStatus(t, "POST on a read-only folder", a, http.StatusInternalServerError)
	if !strings.Contains(string(a.body), "not writable") {
		t.Errorf("500 body = %s, want it to say the folder is not writable", a.body)
	}
	got := parseDoc(t, ts.get(t, "/accounts", readKey).body)
	if len(got.Accounts) != 1 || got.Accounts[0].Username != "Ana" {
		t.Errorf("after the failed write the head holds %+v", got.Accounts)
	}
	writable()
	wantStatus(t, "POST once writable", ts.post(t, writeKey, doc(t, acct("Bojan"))), 200)
}

// TestFolderGone removes the data folder under a running server, which
// needs no privileges: the write fails with a 500 and the head stays.
func TestFolderGone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	ts := newServer(t, dir)
	wantStatus(t, "first POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	head := ts.get(t, "/accounts", readKey).body
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	a := ts.post(t, writeKey, doc(t, acct("Bojan")))
	wantStatus(t, "POST into a removed folder", a, http.StatusInternalServerError)
	checkDetail(t, a)
	if got := ts.get(t, "/accounts", readKey).body; string(got) != string(head) {
		t.Errorf("the head changed after a failed write")
	}
	if !strings.Contains(ts.logs.String(), "level=ERROR") {
		t.Errorf("the failed write was not logged as an error")
	}
}
