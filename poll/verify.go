package poll

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/xecut/resident/chain"
)

// KindStaleLast is the problem of a last.json that is not the head.
const KindStaleLast = "stale last.json"

// VerifyDir checks a data folder, a server's or a poll copy, and returns
// its chain in order. A last.json, when present, must be the head.
func VerifyDir(dir string) ([]chain.Version, error) {
	vs, err := chain.LoadDir(dir)
	if err != nil {
		return nil, err
	}
	last, err := os.ReadFile(filepath.Join(dir, LastFile))
	if errors.Is(err, os.ErrNotExist) {
		return vs, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read last.json: %w", err)
	}
	if len(vs) == 0 {
		return nil, &chain.Problem{File: LastFile, Kind: KindStaleLast,
			Detail: "present, but there is no version"}
	}
	head := vs[len(vs)-1]
	data, err := os.ReadFile(filepath.Join(dir, head.Name))
	if err != nil {
		return nil, fmt.Errorf("read head: %w", err)
	}
	if !bytes.Equal(last, data) {
		return nil, &chain.Problem{File: LastFile, Kind: KindStaleLast,
			Detail: "differs from the head " + head.Name}
	}
	return vs, nil
}

// VerifyURL checks the chain a server's /dump serves, within the same
// size limits as a poll, and returns it in order. url may end in
// /accounts.
func VerifyURL(ctx context.Context, hc *http.Client, url, key string) ([]chain.Version, error) {
	c := &client{base: baseURL(url), key: key, http: hc}
	rc, err := c.dump(ctx, "")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	w := newLimitReader(rc, limits.entry, "a dump entry")
	var vs []chain.Version
	err = chain.ReadDump(w, func(name string, data []byte) error {
		w.reset()
		v, err := chain.ReadVersion(name, data)
		vs = append(vs, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return chain.Order(vs)
}
