package chain_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// needMount skips outside CI, and fails in CI, when the test can't mount.
func needMount(tb testing.TB, what string, err error, out []byte) {
	tb.Helper()
	msg := what + ": " + err.Error() + " " + strings.TrimSpace(string(out)) +
		" (this test mounts a small tmpfs or a read-only bind mount: run it as root, with mount from util-linux)"
	if os.Getenv("CI") != "" {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

func run(tb testing.TB, args ...string) {
	tb.Helper()
	if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
		tb.Fatalf("%v: %v %s", args, err, out)
	}
}

// tmpfs mounts a tmpfs of size at a new folder, for the rest of the test.
func tmpfs(tb testing.TB, size string) string {
	tb.Helper()
	dir := tb.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		needMount(tb, "mount tmpfs", err, out)
	}
	tb.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// readOnly turns dir read-only by binding it over itself read-only, which
// stops root too (a chmod would not).
func readOnly(tb testing.TB, dir string) (undo func()) {
	tb.Helper()
	if out, err := exec.Command("mount", "--bind", dir, dir).CombinedOutput(); err != nil {
		needMount(tb, "bind mount", err, out)
	}
	undo = func() { exec.Command("umount", dir).Run() }
	tb.Cleanup(undo)
	run(tb, "mount", "-o", "remount,bind,ro", dir)
	return undo
}

// A write that the disk refuses leaves the head and the folder as they
// were, and the store writes again once the disk allows it.
func TestCommitReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, makeChain(3, 1700000000)...)
	s := openStore(t, dir, newClock(1))
	head := s.Head()
	before := snapshot(t, dir)
	undo := readOnly(t, dir)
	_, changed, err := s.Commit("", add("ana"))
	if !errors.Is(err, syscall.EROFS) || changed {
		t.Fatalf("Commit on a read-only folder = %v, %v, want EROFS", changed, err)
	}
	if got := s.Head(); got.SHA256 != head.SHA256 {
		t.Errorf("Head() after a failed write = %s, want %s", got.SHA256, head.SHA256)
	}
	undo()
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed by a failed write (-before +after):\n%s", diff)
	}
	if _, changed, err := s.Commit(head.SHA256, add("ana")); err != nil || !changed {
		t.Errorf("Commit once writable again = %v, %v", changed, err)
	}
}

func TestCommitDiskFull(t *testing.T) {
	dir := tmpfs(t, "64k")
	writeFiles(t, dir, makeChain(2, 1700000000)...)
	s := openStore(t, dir, newClock(1))
	head := s.Head()
	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	before := snapshot(t, dir)
	_, changed, err := s.Commit("", add("ana"))
	if !errors.Is(err, syscall.ENOSPC) || changed {
		t.Fatalf("Commit on a full disk = %v, %v, want ENOSPC", changed, err)
	}
	if got := s.Head(); got.SHA256 != head.SHA256 {
		t.Errorf("Head() after a failed write = %s, want %s", got.SHA256, head.SHA256)
	}
	if diff := cmp.Diff(before, snapshot(t, dir)); diff != "" {
		t.Errorf("folder changed by a failed write (-before +after):\n%s", diff)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	v, changed, err := s.Commit(head.SHA256, add("ana"))
	if err != nil || !changed {
		t.Fatalf("Commit once space is back = %v, %v", changed, err)
	}
	checkStored(t, dir, v, head.SHA256, v.Unixtime)
}

// fill writes to path until the file system is full.
func fill(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 1024)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				tb.Fatalf("fill %s: %v", path, err)
			}
			return
		}
	}
}
