package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/model"
)

// runPost measures POST /accounts, one change per request, against
// writing the same bytes alone the way the store does (temp file, write,
// fsync, rename, fsync of the folder), one of each in turn so that both
// see the same disk and the same neighbours. A third figure breaks the
// POST down: the same request to a Go server (net/http, in this process)
// that only reads the body and answers, which is what moving it over
// loopback HTTP costs.
func runPost(args []string) error {
	fs := flag.NewFlagSet("post", flag.ExitOnError)
	base := fs.String("base", "", "server base URL")
	key := fs.String("key", "", "write key")
	n := fs.Int("n", 300, "requests")
	scratch := fs.String("scratch", "", "folder on the data disk for the bare writes")
	fs.Parse(args)
	c := &api{base: *base, key: *key}
	accounts, err := c.head()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(*scratch, 0o755); err != nil {
		return err
	}
	echo, err := startEcho()
	if err != nil {
		return err
	}
	defer echo.Close()
	e := &api{base: "http://" + echo.Addr().String(), key: *key}
	var posts, writes, echoes []time.Duration
	size := 0
	for i := range *n {
		flip(accounts, i)
		body := model.Marshal(model.Document{Meta: model.Meta{Unixtime: int64(i + 1), LastSHA256: zero},
			Accounts: accounts})
		size = len(body)
		start := time.Now()
		if err := c.post(body); err != nil {
			return fmt.Errorf("POST %d: %w", i, err)
		}
		posts = append(posts, time.Since(start))
		start = time.Now()
		if err := e.post(body); err != nil {
			return fmt.Errorf("echo %d: %w", i, err)
		}
		echoes = append(echoes, time.Since(start))
		path := filepath.Join(*scratch, fmt.Sprintf("%d-bare.json", i))
		start = time.Now()
		if _, err := atomicfile.WriteFile(path, body, atomicfile.Options{ExpectAbsent: true}); err != nil {
			return err
		}
		writes = append(writes, time.Since(start))
	}
	figure("post.bytes", size)
	figure("post.n", *n)
	figure("post.p50_ms", ms(percentile(posts, 50)))
	figure("post.p99_ms", ms(percentile(posts, 99)))
	figure("echo.p50_ms", ms(percentile(echoes, 50)))
	figure("echo.p99_ms", ms(percentile(echoes, 99)))
	figure("write.p50_ms", ms(percentile(writes, 50)))
	figure("write.p99_ms", ms(percentile(writes, 99)))
	figure("post.p50_ratio", fmt.Sprintf("%.2f", float64(percentile(posts, 50))/float64(percentile(writes, 50))))
	figure("post.p99_ratio", fmt.Sprintf("%.2f", float64(percentile(posts, 99))/float64(percentile(writes, 99))))
	return nil
}

// startEcho serves, on a loopback port, an HTTP handler that reads the
// whole body and answers {"ok":true}, as resident does after a write.
func startEcho() (net.Listener, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.Copy(io.Discard, r.Body); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true}`))
	}))
	return l, nil
}

const zero = "0000000000000000000000000000000000000000000000000000000000000000"

// flip changes one account per request: residency, then back.
func flip(accounts []model.Account, i int) {
	a := &accounts[i%len(accounts)]
	a.Resident = !a.Resident
}

// api is a client of the resident service.
type api struct {
	base, key string
	client    http.Client
}

func (c *api) do(method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: %s %.200s", method, path, resp.Status, data)
	}
	return data, err
}

func (c *api) head() ([]model.Account, error) {
	data, err := c.do(http.MethodGet, "/accounts", nil)
	if err != nil {
		return nil, err
	}
	doc, err := model.Parse(data)
	if doc == nil {
		return nil, err
	}
	return doc.Accounts, nil
}

func (c *api) post(body []byte) error {
	_, err := c.do(http.MethodPost, "/accounts", body)
	return err
}

// change posts k changes, each one account's residency flipped.
func (c *api) change(k int) error {
	accounts, err := c.head()
	if err != nil {
		return err
	}
	for i := range k {
		flip(accounts, i)
		if err := c.post(model.Marshal(model.Document{Accounts: accounts})); err != nil {
			return err
		}
	}
	return nil
}
