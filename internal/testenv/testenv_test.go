package testenv_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
)

// The copy holds every legacy version, and the test may write into it.
func TestLegacyCopy(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	want := testenv.VersionNames(t, testenv.LegacyDir(t))
	if got := testenv.VersionNames(t, dir); len(want) != 30 || !cmp.Equal(got, want) {
		t.Fatalf("LegacyCopy holds %d versions, the legacy folder %d, want the same 30", len(got), len(want))
	}
	if err := os.WriteFile(filepath.Join(dir, want[0]), []byte("x"), 0o644); err != nil {
		t.Errorf("the copy is not writable: %v", err)
	}
}

// What Dump writes, chain.ReadDump reads back in the same order.
func TestDumpReadsBack(t *testing.T) {
	names := []string{"b.json", "a.json", "c.json"}
	datas := [][]byte{[]byte(`{"x":"<&>"}`), []byte("line\nbreak \"quoted\""), {}}
	dump := testenv.Dump(len(names), func(i int) (string, []byte) { return names[i], datas[i] })
	var gotNames []string
	err := chain.ReadDump(bytes.NewReader(dump), func(name string, data []byte) error {
		if i := len(gotNames); i >= len(datas) || !bytes.Equal(data, datas[i]) {
			t.Errorf("entry %d (%s) = %q, not what was dumped", i, name, data)
		}
		gotNames = append(gotNames, name)
		return nil
	})
	if err != nil || !cmp.Equal(gotNames, names) {
		t.Errorf("ReadDump(Dump) = %q, %v, want %q", gotNames, err, names)
	}
}

// A full disk stops Fill with ENOSPC, not a failure, and the file holds
// what fit.
func TestTmpfsFill(t *testing.T) {
	dir := testenv.Tmpfs(t, "64k")
	path := filepath.Join(dir, "filler")
	testenv.Fill(t, path)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() < 32<<10 {
		t.Errorf("Fill wrote %d bytes, want most of the 64k tmpfs", fi.Size())
	}
}
