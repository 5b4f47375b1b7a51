package server

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// mountTmpfs mounts a small tmpfs on a new folder, for the disk to fill
// up or turn read-only on cue. It needs root (CAP_SYS_ADMIN).
func mountTmpfs(tb testing.TB, size string) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		msg := "mounting a tmpfs needs root (CAP_SYS_ADMIN): " + err.Error()
		if os.Getenv("CI") != "" {
			tb.Fatal(msg)
		}
		tb.Skip(msg + "; run the tests as root to cover write failures")
	}
	tb.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			tb.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// TestDiskFull fills the data folder's disk: the POST answers 507 with a
// clear message, the head stays, no partial file is left, and the store
// works again once there is room.
func TestDiskFull(t *testing.T) {
	dir := mountTmpfs(t, "64k")
	ts := newServer(t, dir)
	wantStatus(t, "first POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	head := ts.get(t, "/accounts", readKey).body
	filler := filepath.Join(dir, "filler")
	fill(t, filler)
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
	if names := versionNames(t, dir); len(names) != 2 {
		t.Errorf("after recovery the folder holds versions %v, want 2", names)
	}
}

// fill writes path until the disk is full.
func fill(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				tb.Fatalf("fill: %v", err)
			}
			return
		}
	}
}

// TestReadOnlyFolder remounts the data folder read-only: POST answers
// 500 saying so, reads go on, and writes work again once it is writable.
func TestReadOnlyFolder(t *testing.T) {
	dir := mountTmpfs(t, "1m")
	ts := newServer(t, dir)
	wantStatus(t, "first POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	remount(t, dir, syscall.MS_RDONLY)
	a := ts.post(t, writeKey, doc(t, acct("Bojan")))
	wantStatus(t, "POST on a read-only folder", a, http.StatusInternalServerError)
	if !strings.Contains(string(a.body), "not writable") {
		t.Errorf("500 body = %s, want it to say the folder is not writable", a.body)
	}
	got := parseDoc(t, ts.get(t, "/accounts", readKey).body)
	if len(got.Accounts) != 1 || got.Accounts[0].Username != "Ana" {
		t.Errorf("after the failed write the head holds %+v", got.Accounts)
	}
	remount(t, dir, 0)
	wantStatus(t, "POST once writable", ts.post(t, writeKey, doc(t, acct("Bojan"))), 200)
}

func remount(tb testing.TB, dir string, flags uintptr) {
	tb.Helper()
	if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|flags, ""); err != nil {
		tb.Fatalf("remount %s: %v", dir, err)
	}
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
