package chain

import (
	"fmt"
	"os"
	"path/filepath"
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
	var vs []Version
	for _, e := range entries {
		if !IsCandidate(e.Name()) {
			continue
		}
		if !e.Type().IsRegular() {
			return nil, &Problem{File: e.Name(), Kind: KindUnreadFile, Detail: "not a regular file"}
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, &Problem{File: e.Name(), Kind: KindUnreadFile, Detail: err.Error()}
		}
		v, err := ReadVersion(e.Name(), data)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	return Order(vs)
}
