package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"time"
)

// runPoll measures poll cycles of the real resident poll --once on a
// local copy that already holds the server's history, through a proxy
// that counts the bytes the server sends. The full-dump path is measured
// by having the proxy drop ?since=, as the earlier Python service ignored
// it.
func runPoll(args []string) error {
	fs := flag.NewFlagSet("poll", flag.ExitOnError)
	bin := fs.String("bin", "", "resident binary")
	server := fs.String("server", "", "server data folder")
	local := fs.String("copy", "", "poll copy holding the same versions")
	fs.Parse(args)
	s, err := startServe(*bin, *server)
	if err != nil {
		return err
	}
	defer s.stop()
	p, err := newCounter(s.base)
	if err != nil {
		return err
	}
	defer p.srv.Close()
	cfg, err := pollConfig(filepath.Dir(*local), p.srv.URL)
	if err != nil {
		return err
	}
	w := &api{base: s.base, key: writeKey}
	steps := []struct {
		name       string
		changes    int
		stripSince bool
	}{
		{"first_cycle_on_copied_folder", 0, false},
		{"idle", 0, false},
		{"one_new_version", 1, false},
		{"two_new_versions_since", 2, false},
		{"two_new_versions_full_dump", 2, true},
	}
	for _, st := range steps {
		if err := w.change(st.changes); err != nil {
			return err
		}
		p.strip.Store(st.stripSince)
		p.bytes.Store(0)
		p.requests.Store(0)
		start := time.Now()
		out, err := exec.Command(*bin, "poll", "--once", "--config", cfg, "--data", *local).CombinedOutput()
		if err != nil {
			return fmt.Errorf("poll %s: %v\n%s", st.name, err, out)
		}
		figure("poll."+st.name+".s", fmt.Sprintf("%.3f", time.Since(start).Seconds()))
		figure("poll."+st.name+".bytes", p.bytes.Load())
		figure("poll."+st.name+".requests", p.requests.Load())
	}
	return nil
}

func pollConfig(dir, url string) (string, error) {
	data, _ := json.Marshal(map[string]any{
		"resident_storage_url": url, "resident_storage_api_key": readKey,
		"on_update_command": "true", "check_timeout": "30m", "update_timeout": "1m",
	})
	path := filepath.Join(dir, "poll-config.json")
	return path, os.WriteFile(path, data, 0o600)
}

// counter is a reverse proxy that counts the body bytes the server sends.
type counter struct {
	srv      *httptest.Server
	strip    atomic.Bool
	bytes    atomic.Int64
	requests atomic.Int64
}

func newCounter(target string) (*counter, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	c := &counter{}
	rp := httputil.NewSingleHostReverseProxy(u)
	direct := rp.Director
	rp.Director = func(r *http.Request) {
		direct(r)
		if c.strip.Load() {
			r.URL.RawQuery = ""
		}
	}
	rp.ModifyResponse = func(resp *http.Response) error {
		c.requests.Add(1)
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.bytes}
		return nil
	}
	c.srv = httptest.NewServer(rp)
	return c, nil
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
