package atomicfile_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/internal/testenv"
)

// entries lists the names in dir, so a test can see a temp file left over.
func entries(tb testing.TB, dir string) []string {
	tb.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}

// checkOnly asserts that dir holds exactly the named files.
func checkOnly(tb testing.TB, dir string, want ...string) {
	tb.Helper()
	got := entries(tb, dir)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		tb.Errorf("folder holds %v, want only %v (a temp file left behind?)", got, want)
	}
}

func checkContent(tb testing.TB, path, want string) {
	tb.Helper()
	got, err := os.ReadFile(path)
	if err != nil || string(got) != want {
		tb.Errorf("%s holds %q (%v), want %q", filepath.Base(path), got, err, want)
	}
}

func TestWriteFile(t *testing.T) {
	tests := []struct {
		name     string
		existing *string
		perm     os.FileMode
		wantMode os.FileMode
	}{
		{"new file", nil, 0, 0o644},
		{"new secret", nil, 0o600, 0o600},
		{"new group-readable", nil, 0o640, 0o640},
		{"replace", ptr("old"), 0, 0o644},
		{"replace with a secret", ptr("old"), 0o600, 0o600},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "wg0.conf")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte(*tt.existing), 0o666); err != nil {
					t.Fatal(err)
				}
			}
			changed, err := atomicfile.WriteFile(path, []byte("new"), atomicfile.Options{Perm: tt.perm})
			if err != nil || !changed {
				t.Fatalf("WriteFile = %v, %v, want true, nil", changed, err)
			}
			checkContent(t, path, "new")
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != tt.wantMode {
				t.Errorf("mode = %v (%v), want %v", fi.Mode().Perm(), err, tt.wantMode)
			}
			checkOnly(t, dir, "wg0.conf")
		})
	}
}

func ptr(s string) *string { return &s }

// Writing the bytes a file already holds touches nothing, so a consumer
// can run on every cycle without reloading anything.
func TestWriteFileUnchanged(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "automations.yaml")
	if err := os.WriteFile(path, []byte("same"), 0o640); err != nil {
		t.Fatal(err)
	}
	old := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	before, _ := os.Stat(path)
	checked := false
	changed, err := atomicfile.WriteFile(path, []byte("same"), atomicfile.Options{
		Perm:  0o600,
		Check: func(string) error { checked = true; return nil },
	})
	if err != nil || changed || checked {
		t.Fatalf("WriteFile(same bytes) = %v, %v (check ran: %v), want false, nil and no check", changed, err, checked)
	}
	after, _ := os.Stat(path)
	if !after.ModTime().Equal(old) || !os.SameFile(before, after) || after.Mode().Perm() != 0o640 {
		t.Errorf("file touched: mtime %v, same inode %v, mode %v; want %v, true, 0640",
			after.ModTime(), os.SameFile(before, after), after.Mode().Perm(), old)
	}
	checkOnly(t, dir, "automations.yaml")
}

// The temp file has its final mode before the secret is in place, sits
// beside the target, and carries a name no reader mistakes for the target.
func TestWriteFileTempFile(t *testing.T) {
	tests := []struct {
		name        string
		perm        os.FileMode
		pattern     string
		wantMode    os.FileMode
		wantPattern string
	}{
		{"default", 0, "", 0o644, ".wg0.conf.tmp-*"},
		{"secret", 0o600, "", 0o600, ".wg0.conf.tmp-*"},
		{"own pattern", 0o600, ".resident-*.tmp", 0o600, ".resident-*.tmp"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "wg0.conf")
			var tempPath string
			var tempMode os.FileMode
			var tempData []byte
			_, err := atomicfile.WriteFile(path, []byte("PrivateKey = x"), atomicfile.Options{
				Perm: tt.perm, TempPattern: tt.pattern,
				Check: func(tmp string) error {
					tempPath = tmp
					fi, err := os.Stat(tmp)
					if err != nil {
						return err
					}
					tempMode = fi.Mode().Perm()
					tempData, err = os.ReadFile(tmp)
					return err
				},
			})
			if err != nil {
				t.Fatalf("WriteFile = %v", err)
			}
			if filepath.Dir(tempPath) != dir {
				t.Errorf("temp file %s is not beside the target in %s", tempPath, dir)
			}
			if ok, _ := filepath.Match(tt.wantPattern, filepath.Base(tempPath)); !ok {
				t.Errorf("temp file name %s does not match %s", filepath.Base(tempPath), tt.wantPattern)
			}
			if tempMode != tt.wantMode {
				t.Errorf("temp file mode = %v, want %v", tempMode, tt.wantMode)
			}
			if string(tempData) != "PrivateKey = x" {
				t.Errorf("Check saw %q, want the complete data", tempData)
			}
			checkOnly(t, dir, "wg0.conf")
		})
	}
}

func TestWriteFileKeepOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("giving a file to another owner needs root")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "automations.yaml")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chown(path, 1234, 5678); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o664); err != nil {
		t.Fatal(err)
	}
	if _, err := atomicfile.WriteFile(path, []byte("new"), atomicfile.Options{Perm: 0o600, KeepOwner: true}); err != nil {
		t.Fatalf("WriteFile(KeepOwner) = %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if st.Uid != 1234 || st.Gid != 5678 || fi.Mode().Perm() != 0o664 {
		t.Errorf("after KeepOwner: uid %d gid %d mode %v, want 1234 5678 0664", st.Uid, st.Gid, fi.Mode().Perm())
	}
	checkContent(t, path, "new")
	// Without a file to take them from, Perm applies.
	fresh := filepath.Join(dir, "fresh")
	if _, err := atomicfile.WriteFile(fresh, []byte("x"), atomicfile.Options{Perm: 0o600, KeepOwner: true}); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o600 {
		t.Errorf("new file with KeepOwner: mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestWriteFileCheckFails(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "wg0.conf")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("wg-quick strip: bad config")
	changed, err := atomicfile.WriteFile(path, []byte("broken"), atomicfile.Options{
		Check: func(string) error { return bad },
	})
	if !errors.Is(err, bad) || changed {
		t.Errorf("WriteFile = %v, %v, want the check's error", changed, err)
	}
	checkContent(t, path, "old")
	checkOnly(t, dir, "wg0.conf")
}

func TestWriteFileExpect(t *testing.T) {
	tests := []struct {
		name     string
		existing *string
		opt      atomicfile.Options
		// meanwhile, when set, replaces the target between the read and
		// the rename, as a concurrent editor would.
		meanwhile *string
		wantErr   error
		want      string
	}{
		{"expect holds", ptr("v1"), atomicfile.Options{Expect: []byte("v1")}, nil, nil, "v2"},
		{"expect differs",
			ptr("v1"), atomicfile.Options{Expect: []byte("v0")}, nil, atomicfile.ErrChanged, "v1"},
		{"expect but absent",
			nil, atomicfile.Options{Expect: []byte("v1")}, nil, atomicfile.ErrChanged, ""},
		{"expect empty file", ptr(""), atomicfile.Options{Expect: []byte{}}, nil, nil, "v2"},
		{"edited meanwhile",
			ptr("v1"), atomicfile.Options{Expect: []byte("v1")}, ptr("v1 edited"), atomicfile.ErrChanged, "v1 edited"},
		{"absent as expected", nil, atomicfile.Options{ExpectAbsent: true}, nil, nil, "v2"},
		{"present, expected absent",
			ptr("v1"), atomicfile.Options{ExpectAbsent: true}, nil, atomicfile.ErrChanged, "v1"},
		{"created meanwhile",
			nil, atomicfile.Options{ExpectAbsent: true}, ptr("theirs"), atomicfile.ErrChanged, "theirs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "target")
			if tt.existing != nil {
				if err := os.WriteFile(path, []byte(*tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.meanwhile != nil {
				tt.opt.Check = func(string) error { return os.WriteFile(path, []byte(*tt.meanwhile), 0o644) }
			}
			changed, err := atomicfile.WriteFile(path, []byte("v2"), tt.opt)
			if !errors.Is(err, tt.wantErr) || changed != (tt.wantErr == nil) {
				t.Fatalf("WriteFile = %v, %v, want error %v", changed, err, tt.wantErr)
			}
			if tt.want == "" {
				checkOnly(t, dir)
				return
			}
			checkContent(t, path, tt.want)
			checkOnly(t, dir, "target")
		})
	}
}

func TestWriteFileFailures(t *testing.T) {
	t.Run("no folder", func(t *testing.T) {
		dir := t.TempDir()
		_, err := atomicfile.WriteFile(filepath.Join(dir, "absent", "f"), []byte("x"), atomicfile.Options{})
		if !errors.Is(err, os.ErrNotExist) {
			t.Errorf("WriteFile into a missing folder = %v, want ErrNotExist", err)
		}
		checkOnly(t, dir)
	})
	t.Run("target is a folder", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "f"), 0o755); err != nil {
			t.Fatal(err)
		}
		if _, err := atomicfile.WriteFile(filepath.Join(dir, "f"), []byte("x"), atomicfile.Options{}); err == nil {
			t.Error("WriteFile onto a folder succeeded")
		}
		checkOnly(t, dir, "f")
	})
	t.Run("rename fails", func(t *testing.T) {
		dir := t.TempDir()
		path := filepath.Join(dir, "f")
		_, err := atomicfile.WriteFile(path, []byte("x"), atomicfile.Options{Check: func(string) error {
			// Someone puts a non-empty folder where the file goes.
			return os.MkdirAll(filepath.Join(path, "sub"), 0o755)
		}})
		if err == nil || !strings.Contains(err.Error(), "replace") {
			t.Errorf("WriteFile = %v, want the rename's error", err)
		}
		checkOnly(t, dir, "f")
	})
	t.Run("disk full", func(t *testing.T) {
		dir := testenv.Tmpfs(t, "64k")
		path := filepath.Join(dir, "wg0.conf")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		filler := filepath.Join(dir, "filler")
		testenv.Fill(t, filler)
		changed, err := atomicfile.WriteFile(path, bytes.Repeat([]byte("new "), 4096), atomicfile.Options{Perm: 0o600})
		if !errors.Is(err, syscall.ENOSPC) || changed {
			t.Errorf("WriteFile on a full disk = %v, %v, want ENOSPC", changed, err)
		}
		checkContent(t, path, "old")
		checkOnly(t, dir, "filler", "wg0.conf")
		os.Remove(filler)
		if _, err := atomicfile.WriteFile(path, []byte("new"), atomicfile.Options{}); err != nil {
			t.Errorf("WriteFile once space is back = %v", err)
		}
		checkContent(t, path, "new")
	})
	t.Run("read-only folder", func(t *testing.T) {
		dir := testenv.Tmpfs(t, "64k")
		path := filepath.Join(dir, "wg0.conf")
		if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
			t.Fatal(err)
		}
		testenv.ReadOnly(t, dir)
		changed, err := atomicfile.WriteFile(path, []byte("new"), atomicfile.Options{})
		if !errors.Is(err, syscall.EROFS) || changed {
			t.Errorf("WriteFile on a read-only folder = %v, %v, want EROFS", changed, err)
		}
		checkContent(t, path, "old")
	})
}

// NoSync output is still all-or-nothing for readers and leaves no temp.
func TestWriteFileNoSync(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.json")
	for _, step := range []struct {
		data        string
		wantChanged bool
	}{{"first", true}, {"second", true}, {"second", false}} {
		changed, err := atomicfile.WriteFile(path, []byte(step.data), atomicfile.Options{NoSync: true})
		if err != nil || changed != step.wantChanged {
			t.Fatalf("WriteFile(NoSync, %q) = %v, %v, want %v, nil", step.data, changed, err, step.wantChanged)
		}
		checkContent(t, path, step.data)
		checkOnly(t, dir, "demo.json")
	}
}

func TestSyncDir(t *testing.T) {
	if err := atomicfile.SyncDir(t.TempDir()); err != nil {
		t.Errorf("SyncDir = %v", err)
	}
	if err := atomicfile.SyncDir(filepath.Join(t.TempDir(), "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SyncDir(absent) = %v, want ErrNotExist", err)
	}
}
