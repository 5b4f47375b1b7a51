package chain

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

// LoadDir reads every version in dir, checks each against its name and
// returns them in chain order. Files that are not meant as versions are
// ignored; one that is meant as a version but is not sound is the problem
// returned, so a garbage or hand-edited file stops whoever relies on it.
func LoadDir(dir string) ([]Version, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read data folder: %w", err)
	}
	var cands []os.DirEntry
	for _, e := range entries {
		if IsCandidate(e.Name()) {
			cands = append(cands, e)
		}
	}
	vs, err := readAll(dir, cands)
	if err != nil {
		return nil, err
	}
	return Order(vs)
}

// readAll reads and checks the files on every CPU: checking the JSON of a
// version costs far more than reading it, so one core would make a long
// history slow to verify and to start a server on. Files are claimed in
// name order and no new one is claimed after a problem, so every file
// before a bad one is checked and the problem returned is the first in
// name order, as a reading one by one finds it. Each worker reads into one
// buffer of its own, so at most one file per CPU is in memory at a time and
// a long history leaves no garbage behind.
func readAll(dir string, entries []os.DirEntry) ([]Version, error) {
	vs := make([]Version, len(entries))
	errs := make([]error, len(entries))
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(entries)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= len(entries) {
					return
				}
				if vs[i], errs[i] = readEntry(dir, entries[i], &buf); errs[i] != nil {
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return vs, nil
}

// readEntry reads and checks one version file through buf. The Version
// returned keeps nothing of buf.
func readEntry(dir string, e os.DirEntry, buf *bytes.Buffer) (Version, error) {
	if !e.Type().IsRegular() {
		return Version{}, &Problem{File: e.Name(), Kind: KindUnreadFile, Detail: "not a regular file"}
	}
	if err := readFileInto(buf, filepath.Join(dir, e.Name())); err != nil {
		return Version{}, &Problem{File: e.Name(), Kind: KindUnreadFile, Detail: err.Error()}
	}
	return ReadVersion(e.Name(), buf.Bytes())
}

// readFileInto reads the file at path into buf, replacing what buf held,
// so that reading many files grows one buffer instead of making many.
func readFileInto(buf *bytes.Buffer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf.Reset()
	_, err = buf.ReadFrom(f)
	return err
}
