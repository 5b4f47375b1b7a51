package chain_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/internal/testenv"
)

// A write that the disk refuses leaves the head and the folder as they
// were, and the store writes again once the disk allows it.
func TestCommitReadOnlyFolder(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, makeChain(3, 1700000000)...)
	s := openStore(t, dir, newClock(1))
	head := s.Head()
	before := snapshot(t, dir)
	undo := testenv.ReadOnly(t, dir)
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
	dir := testenv.Tmpfs(t, "64k")
	writeFiles(t, dir, makeChain(2, 1700000000)...)
	s := openStore(t, dir, newClock(1))
	head := s.Head()
	filler := filepath.Join(dir, "filler")
	testenv.Fill(t, filler)
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
