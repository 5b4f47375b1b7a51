package chain_test

import (
	"errors"
	"testing"

	"github.com/xecut/resident/chain"
)

// LoadDir checks files on several CPUs; the problem it reports must still
// be the first bad file in name order, every time.
func TestLoadDirReportsTheFirstBadFile(t *testing.T) {
	dir := t.TempDir()
	files := makeChain(64, 1700000000)
	for _, i := range []int{50, 20, 21, 63} {
		files[i].data = append(files[i].data, ' ')
	}
	writeFiles(t, dir, files...)
	for range 20 {
		var p *chain.Problem
		_, err := chain.LoadDir(dir)
		if !errors.As(err, &p) || p.File != files[20].name || p.Kind != chain.KindHashMismatch {
			t.Fatalf("LoadDir = %v, want %s: %s", err, files[20].name, chain.KindHashMismatch)
		}
	}
}

func TestLoadDirLongChain(t *testing.T) {
	dir := t.TempDir()
	files := makeChain(300, 1700000000)
	writeFiles(t, dir, files...)
	vs, err := chain.LoadDir(dir)
	if err != nil || len(vs) != len(files) {
		t.Fatalf("LoadDir = %d versions, %v, want %d", len(vs), err, len(files))
	}
	for i, v := range vs {
		if v.Name != files[i].name {
			t.Fatalf("version %d is %s, want %s", i, v.Name, files[i].name)
		}
	}
}
