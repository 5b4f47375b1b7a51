// Package atomicfile is the one way resident writes a file: a temp file
// beside the target, fsync, rename, fsync of the folder. A reader, a crash or
// a full disk sees the old content or the new, never a mix.
package atomicfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// ErrChanged is returned when Options.Expect is set and the target no longer
// holds those bytes: someone else wrote it since it was read.
var ErrChanged = errors.New("file changed since it was read")

// Options adjusts WriteFile. The zero value writes mode 0644.
type Options struct {
	// Perm is the mode of the new file; 0 means 0644. The temp file gets it
	// before any byte is written, so a secret is never readable by others.
	Perm os.FileMode
	// KeepOwner gives the new file the mode, owner and group of the file it
	// replaces, when there is one.
	KeepOwner bool
	// TempPattern names the temp file as os.CreateTemp does; the default,
	// ".<name>.tmp-*", can't be mistaken for a version or a config.
	TempPattern string
	// Check, when set, runs on the complete, synced temp file before it
	// replaces the target; an error leaves the target as it was.
	Check func(tempPath string) error
	// Expect, when not nil, is what the target must still hold just before
	// the rename (nil content and a missing file both mean absent: use
	// ExpectAbsent to require that no file exists).
	Expect []byte
	// ExpectAbsent requires that the target does not exist yet.
	ExpectAbsent bool
	// NoSync skips both fsyncs: the write is still all-or-nothing for
	// readers, but a crash may lose it. Only for bulk output that can be
	// made again, such as generated demo data.
	NoSync bool
}

// WriteFile replaces path with data. It writes nothing and returns false
// when the file already holds exactly data.
func WriteFile(path string, data []byte, opt Options) (changed bool, err error) {
	current, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if exists && bytes.Equal(current, data) {
		return false, nil
	}
	perm := opt.Perm
	if perm == 0 {
		perm = 0o644
	}
	var owner *syscall.Stat_t
	if opt.KeepOwner && exists {
		if fi, err := os.Stat(path); err == nil {
			perm = fi.Mode().Perm()
			owner, _ = fi.Sys().(*syscall.Stat_t)
		}
	}
	tmp, err := writeTemp(path, data, perm, owner, opt.TempPattern, !opt.NoSync)
	if err != nil {
		return false, err
	}
	defer os.Remove(tmp) // a no-op once the rename has happened
	if opt.Check != nil {
		if err := opt.Check(tmp); err != nil {
			return false, err
		}
	}
	if err := expect(path, opt); err != nil {
		return false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return false, fmt.Errorf("replace %s: %w", path, err)
	}
	if opt.NoSync {
		return true, nil
	}
	if err := SyncDir(filepath.Dir(path)); err != nil {
		return true, err
	}
	return true, nil
}

func expect(path string, opt Options) error {
	if opt.Expect == nil && !opt.ExpectAbsent {
		return nil
	}
	now, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if opt.Expect != nil {
			return fmt.Errorf("%s: %w", path, ErrChanged)
		}
		return nil
	case err != nil:
		return fmt.Errorf("read %s: %w", path, err)
	case opt.ExpectAbsent || !bytes.Equal(now, opt.Expect):
		return fmt.Errorf("%s: %w", path, ErrChanged)
	}
	return nil
}

// writeTemp creates the temp file beside path with perm from the start,
// writes and syncs data, and returns its name.
func writeTemp(path string, data []byte, perm os.FileMode, owner *syscall.Stat_t, pattern string, sync bool) (string, error) {
	dir := filepath.Dir(path)
	if pattern == "" {
		pattern = "." + filepath.Base(path) + ".tmp-*"
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", fmt.Errorf("create temp file in %s: %w", dir, err)
	}
	name := f.Name()
	fail := func(step string, err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", fmt.Errorf("%s %s: %w", step, name, err)
	}
	// CreateTemp makes the file 0600; widen it only when asked, before any
	// data is in it.
	if perm != 0o600 {
		if err := f.Chmod(perm); err != nil {
			return fail("chmod", err)
		}
	}
	if owner != nil {
		if err := f.Chown(int(owner.Uid), int(owner.Gid)); err != nil && !errors.Is(err, os.ErrPermission) {
			return fail("chown", err)
		}
	}
	if _, err := f.Write(data); err != nil {
		return fail("write", err)
	}
	if sync {
		if err := f.Sync(); err != nil {
			return fail("sync", err)
		}
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", fmt.Errorf("close %s: %w", name, err)
	}
	return name, nil
}

// SyncDir makes a rename or a removal in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}
