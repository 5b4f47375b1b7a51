// Package testenv holds what the tests of several packages need from the
// machine they run on: skipping (or, in CI, failing) when a tool or a
// privilege is missing, file systems that fill up or turn read-only on
// cue, and copies of the legacy data folder. Only _test.go files import
// it.
package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/xecut/resident/chain"
)

// Need does nothing when ok. Otherwise it skips the test with advice on
// what to install, or fails it when the CI variable is set, so that CI
// never passes by skipping.
func Need(tb testing.TB, ok bool, what, advice string) {
	tb.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s (CI is set, so this fails rather than skips): %s", what, advice)
	}
	tb.Skipf("%s: %s", what, advice)
}

const mountAdvice = "run the tests as root (mounting needs CAP_SYS_ADMIN) to cover disk failures"

// Tmpfs mounts a tmpfs of size ("64k", "1m") on a new temp folder and
// returns the folder; it is unmounted when the test ends, after what the
// test started later (a server, an open store) has been cleaned up.
func Tmpfs(tb testing.TB, size string) string {
	tb.Helper()
	dir := tb.TempDir()
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size+",mode=0755")
	Need(tb, err == nil, "mount a tmpfs on "+dir+": "+errString(err), mountAdvice)
	tb.Cleanup(func() { unmount(tb, dir) })
	return dir
}

// ReadOnly binds dir over itself read-only, which stops root's writes too
// (a chmod would not), until undo is called or the test ends.
func ReadOnly(tb testing.TB, dir string) (undo func()) {
	tb.Helper()
	err := syscall.Mount(dir, dir, "", syscall.MS_BIND, "")
	Need(tb, err == nil, "bind-mount "+dir+": "+errString(err), mountAdvice)
	bound := true
	undo = func() {
		if bound {
			bound = false
			unmount(tb, dir)
		}
	}
	tb.Cleanup(undo)
	flags := uintptr(syscall.MS_REMOUNT | syscall.MS_BIND | syscall.MS_RDONLY)
	if err := syscall.Mount("", dir, "", flags, ""); err != nil {
		tb.Fatalf("remount %s read-only: %v", dir, err)
	}
	return undo
}

func unmount(tb testing.TB, dir string) {
	if err := syscall.Unmount(dir, 0); err != nil {
		tb.Errorf("unmount %s: %v", dir, err)
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Fill writes to a new file at path until its file system is full.
func Fill(tb testing.TB, path string) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	block := make([]byte, 4096)
	for {
		if _, err := f.Write(block); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				tb.Fatalf("fill %s: %v", path, err)
			}
			return
		}
	}
}

// LegacyDir returns the data folder the earlier Python service wrote. It
// sits outside the repository, at ../shared/testdata/legacy-data beside
// it, and is read-only: copy it (LegacyCopy) before writing. The test
// fails, saying where the folder belongs, when it is missing or empty.
func LegacyDir(tb testing.TB) string {
	tb.Helper()
	root, err := repoRoot()
	if err != nil {
		tb.Fatalf("find the repository root: %v", err)
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "testdata", "legacy-data")
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		tb.Fatalf("the legacy data folder %s is missing or empty (%v): it must sit at "+
			"../shared/testdata/legacy-data next to the repository", dir, err)
	}
	return dir
}

// repoRoot walks up from the working folder (a package's folder, under
// go test) to the one holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working folder")
		}
		dir = parent
	}
}

// LegacyCopy copies the legacy data folder into a new temp folder, which
// the test may change.
func LegacyCopy(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	CopyFiles(tb, LegacyDir(tb), dir)
	return dir
}

// CopyFiles copies the regular files of from into to, creating to when
// needed. The copies are writable (0644) whatever the originals were.
func CopyFiles(tb testing.TB, from, to string) {
	tb.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		tb.Fatal(err)
	}
	entries, err := os.ReadDir(from)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		data, err := os.ReadFile(filepath.Join(from, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, e.Name()), data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// VersionNames lists the version files in dir (names chain.ParseName
// accepts), sorted.
func VersionNames(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if _, _, ok := chain.ParseName(e.Name()); ok {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}
