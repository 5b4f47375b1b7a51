package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

// The keys every test server runs with.
const (
	readKey     = "read-key-0001"
	writeKey    = "write-key-0002"
	electionKey = "election-key-0003"
)

// clockStart is the test servers' clock: fixed, so that version names are
// known in advance. Every write after the first gets head + 1.
var clockStart = time.Unix(1_800_000_000, 0)

// testServer is the real handler on a loopback port over a real folder.
type testServer struct {
	*httptest.Server
	store *chain.Store
	dir   string
	logs  *testenv.Buffer
}

// newServer serves dir (made empty when "") with the test keys.
func newServer(tb testing.TB, dir string, change ...func(*Options)) *testServer {
	tb.Helper()
	if dir == "" {
		dir = tb.TempDir()
	}
	store, err := chain.Open(dir, func() time.Time { return clockStart })
	if err != nil {
		tb.Fatalf("chain.Open(%s): %v", dir, err)
	}
	logs := &testenv.Buffer{}
	opts := Options{
		Store:   store,
		Keys:    Keys{Read: readKey, Write: writeKey, Election: electionKey},
		Name:    "xecut",
		MaxBody: DefaultMaxBody,
		Logger:  slog.New(slog.NewTextHandler(logs, nil)),
	}
	for _, c := range change {
		c(&opts)
	}
	ts := &testServer{Server: httptest.NewServer(New(opts)), store: store, dir: dir, logs: logs}
	tb.Cleanup(func() {
		ts.Close()
		store.Close()
	})
	return ts
}

// readVersions returns the version files of dir by name.
func readVersions(tb testing.TB, dir string) map[string][]byte {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if _, _, ok := chain.ParseName(e.Name()); !ok {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		out[e.Name()] = data
	}
	return out
}

// answer is a response, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request with key (none when "") and extra headers given as
// name, value pairs.
func (ts *testServer) do(tb testing.TB, method, path, key string, body []byte, headers ...string) answer {
	tb.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, ts.URL+path, r)
	if err != nil {
		tb.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := ts.Client().Do(req)
	if err != nil {
		tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

func (ts *testServer) get(tb testing.TB, path, key string, headers ...string) answer {
	tb.Helper()
	return ts.do(tb, http.MethodGet, path, key, nil, headers...)
}

func (ts *testServer) post(tb testing.TB, key string, body []byte, headers ...string) answer {
	tb.Helper()
	return ts.do(tb, http.MethodPost, "/accounts", key, body, headers...)
}

// wantStatus fails the test unless a has the status.
func wantStatus(tb testing.TB, what string, a answer, status int) {
	tb.Helper()
	if a.status != status {
		tb.Fatalf("%s: status %d, want %d; body %s", what, a.status, status, a.body)
	}
}

// allFiles lists every entry of dir, to catch temp files left behind.
func allFiles(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Values that pass validation, for building documents.
const (
	wgA  = "BwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
	wgB  = "CAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE="
	sshA = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIM7MFQfcHd1ylZUcKQiI8JWtuQRNG3PWlubfBl1oO9T8 ana@laptop"
	sshB = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGt5xX5qCVI5KCwEgY6WES8/A6QAG6l6VkwjhSo/HqX8"
)

// obj is a JSON object under construction.
type obj = map[string]any

// acct returns a valid account named username, changed by mods.
func acct(username string, mods ...func(obj)) obj {
	a := obj{
		"username": username, "telegram": nil, "decentrala": false, "resident": true,
		"otp_prefix": nil, "vpn": []any{}, "ssh_keys": []any{}, "fee_payments": []any{},
	}
	for _, m := range mods {
		m(a)
	}
	return a
}

func set(key string, v any) func(obj) { return func(a obj) { a[key] = v } }
func drop(key string) func(obj)       { return func(a obj) { delete(a, key) } }

func vpnEntry(ip, key string) obj { return obj{"ip": ip, "wg_public_key": key} }

func fee(date, currency string, amount any) obj {
	return obj{"date": date, "currency": currency, "amount": amount}
}

// doc encodes a POST body holding accounts.
func doc(tb testing.TB, accounts ...obj) []byte {
	tb.Helper()
	if accounts == nil {
		accounts = []obj{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj{"accounts": accounts}); err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSpace(buf.Bytes())
}

// parseDoc reads a stored or served document.
func parseDoc(tb testing.TB, data []byte) *model.Document {
	tb.Helper()
	d, err := model.Parse(data)
	if d == nil {
		tb.Fatalf("model.Parse: %v\n%s", err, data)
	}
	return d
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}
