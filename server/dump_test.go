package server

import (
	"bufio"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/demo"
)

// TestDumpOutlivesWriteTimeout streams a history to a slow reader through
// a server whose write timeout is far shorter than the transfer: /dump
// must move its own deadline forward and deliver the whole history.
func TestDumpOutlivesWriteTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a 10 MB history slowly")
	}
	dir := t.TempDir()
	if _, err := demo.Write(dir, demo.Options{Accounts: 50, Versions: 500, Seed: 9}); err != nil {
		t.Fatal(err)
	}
	store, err := chain.Open(dir, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ts := httptest.NewUnstartedServer(New(Options{Store: store,
		Keys: Keys{Read: readKey, Write: writeKey, Election: electionKey}}))
	ts.Config.WriteTimeout = 300 * time.Millisecond
	ts.Start()
	defer ts.Close()

	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/dump", nil)
	req.Header.Set("Authorization", "Bearer "+readKey)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	start := time.Now()
	n := 0
	err = chain.ReadDump(&slowReader{r: bufio.NewReaderSize(resp.Body, 32<<10)}, func(string, []byte) error {
		n++
		return nil
	})
	if err != nil || n != 500 {
		t.Fatalf("after %v the slow reader got %d versions and %v, want all 500", time.Since(start), n, err)
	}
	if time.Since(start) < time.Second {
		t.Errorf("the transfer took %v: too quick to outlast the 300 ms write timeout", time.Since(start))
	}
}

// slowReader reads at most 32 KiB per 5 ms.
type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(5 * time.Millisecond)
	return s.r.Read(p[:min(len(p), 32<<10)])
}
