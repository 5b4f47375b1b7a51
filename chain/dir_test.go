package chain_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
)

func TestLoadDirLegacy(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	vs, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatalf("LoadDir(legacy) = %v", err)
	}
	if len(vs) != 30 {
		t.Fatalf("LoadDir(legacy) found %d versions, want 30", len(vs))
	}
	if vs[0].Last != chain.ZeroHash || vs[len(vs)-1].Name != legacyHead {
		t.Errorf("LoadDir(legacy) runs from %s to %s, want the first to link to zeros and %s last",
			vs[0].Name, vs[len(vs)-1].Name, legacyHead)
	}
	for i := 1; i < len(vs); i++ {
		if vs[i].Last != vs[i-1].SHA256 {
			t.Errorf("version %d (%s) links to %s, want %s", i, vs[i].Name, vs[i].Last, vs[i-1].SHA256)
		}
	}
}

func TestLoadDir(t *testing.T) {
	c := makeChain(3, 1700000000)
	foreignFirst := makeChain(1, 1600000000)[0]
	foreignLater := makeVersion(1700000005, sumA, "from elsewhere")
	edited := strings.Replace(string(c[1].data), "member 1", "member X", 1)
	tests := []struct {
		name     string
		extra    map[string]string // files added to the valid chain c
		skip     int               // versions of c left out from the end
		wantKind string
		wantFile string
	}{
		{"only versions", nil, 0, "", ""},
		{"no versions", nil, 3, "", ""},
		{"unrelated files", map[string]string{
			"last.json":                    `{"meta":{}}`,
			chain.LockFile:                 "",
			"notes.txt":                    "hello",
			"README":                       "",
			"." + c[2].name + ".tmp-12345": "partial",
			".tmp-upload":                  "x",
			"1234.json":                    "{}",
			"backup-1.json":                "{}",
			c[0].name + ".bak":             string(c[0].data),
		}, 0, "", ""},
		{"lookalike name",
			map[string]string{"123-abc.json": "{}"}, 0, chain.KindBadName, "123-abc.json"},
		{"version name with leading zero", map[string]string{"0" + c[0].name: string(c[0].data)}, 0,
			chain.KindBadName, "0" + c[0].name},
		{"truncated version", map[string]string{c[2].name: string(c[2].data[:40])}, 0,
			chain.KindHashMismatch, c[2].name},
		{"empty version", map[string]string{c[2].name: ""}, 0, chain.KindHashMismatch, c[2].name},
		{"hand-edited version",
			map[string]string{c[1].name: edited}, 0, chain.KindHashMismatch, c[1].name},
		{"foreign first version",
			map[string]string{foreignFirst.name: string(foreignFirst.data)}, 0,
			chain.KindFork, c[0].name},
		{"foreign later version",
			map[string]string{foreignLater.name: string(foreignLater.data)}, 0,
			chain.KindBrokenLink, foreignLater.name},
		{"garbage named as a version", map[string]string{
			chain.FileName(1, chain.Sum([]byte("garbage"))): "garbage"}, 0,
			chain.KindUnreadable, chain.FileName(1, chain.Sum([]byte("garbage")))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, c[:len(c)-tt.skip]...)
			for name, data := range tt.extra {
				writeFiles(t, dir, file{name, []byte(data)})
			}
			vs, err := chain.LoadDir(dir)
			if tt.wantKind != "" {
				checkProblem(t, err, tt.wantFile, tt.wantKind, "")
				return
			}
			if err != nil {
				t.Fatalf("LoadDir = %v, want no error", err)
			}
			if diff := cmp.Diff(fileNames(c[:len(c)-tt.skip]), names(vs)); diff != "" {
				t.Errorf("LoadDir versions (-want +got):\n%s", diff)
			}
		})
	}
}

// A version edited by hand and renamed after its new hash breaks the link
// of the version after it.
func TestLoadDirEditedAndRenamed(t *testing.T) {
	dir := t.TempDir()
	c := makeChain(3, 1700000000)
	edited := []byte(strings.Replace(string(c[1].data), "member 1", "member X", 1))
	writeFiles(t, dir, c[0], file{chain.FileName(1700000001, chain.Sum(edited)), edited}, c[2])
	_, err := chain.LoadDir(dir)
	checkProblem(t, err, c[2].name, chain.KindBrokenLink, chain.Sum(c[1].data)[:12])
}

func TestLoadDirFailures(t *testing.T) {
	if _, err := chain.LoadDir(filepath.Join(t.TempDir(), "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("LoadDir(absent folder) = %v, want os.ErrNotExist", err)
	}
	dir := t.TempDir()
	c := makeChain(2, 1700000000)
	writeFiles(t, dir, c[0])
	if err := os.Mkdir(filepath.Join(dir, c[1].name), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := chain.LoadDir(dir)
	checkProblem(t, err, c[1].name, chain.KindUnreadFile, "not a regular file")
	if err := os.Remove(filepath.Join(dir, c[1].name)); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, c[0].name), filepath.Join(dir, c[1].name)); err != nil {
		t.Fatal(err)
	}
	_, err = chain.LoadDir(dir)
	checkProblem(t, err, c[1].name, chain.KindUnreadFile, "not a regular file")
}
