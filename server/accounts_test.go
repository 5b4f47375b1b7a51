package server

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
)

// TestPostStoresCanonicalVersions posts loosely written documents and
// checks the files on disk byte for byte: names, hashes and links.
func TestPostStoresCanonicalVersions(t *testing.T) {
	ts := newServer(t, "")
	a := ts.get(t, "/accounts", readKey)
	if string(a.body) != string(chain.Stub) || a.header.Get("ETag") != `"`+chain.ZeroHash+`"` {
		t.Fatalf("empty store: GET /accounts = %s ETag %s, want the stub", a.body, a.header.Get("ETag"))
	}

	first := []byte(`{ "accounts": [ {"resident": true, "decentrala": false, "username": "Ана <&>",
		"fee_payments": [{"amount": 1500.0, "currency": "RSD", "date": "2025-03-01"},
		                 {"date": "2024-12-31", "currency": "ETH", "amount": 0.015}],
		"vpn": [{"wg_public_key": "` + wgA + `", "ip": "192.168.11.2"}]} ],
		"meta": {"unixtime": 5, "last_sha256": "` + strings.Repeat("a", 64) + `"} }`)
	a = ts.post(t, writeKey, first)
	wantStatus(t, "first POST", a, 200)
	if string(a.body) != `{"ok":true}` {
		t.Errorf("first POST body = %s, want {\"ok\":true}", a.body)
	}
	want1 := `{"meta":{"unixtime":1800000000,"last_sha256":"` + chain.ZeroHash + `"},` +
		`"accounts":[{"username":"Ана <&>","telegram":null,"decentrala":false,"resident":true,` +
		`"otp_prefix":null,"vpn":[{"ip":"192.168.11.2","wg_public_key":"` + wgA + `"}],"ssh_keys":[],` +
		`"fee_payments":[{"date":"2024-12-31","currency":"ETH","amount":0.015},` +
		`{"date":"2025-03-01","currency":"RSD","amount":1500.0}]}]}`
	name1 := chain.FileName(1_800_000_000, chain.Sum([]byte(want1)))
	checkFiles(t, ts.dir, map[string]string{name1: want1})
	if a.header.Get("ETag") != `"`+chain.Sum([]byte(want1))+`"` {
		t.Errorf("first POST ETag = %s, want the new head's hash", a.header.Get("ETag"))
	}

	second := doc(t, acct("Ана <&>", set("resident", false)))
	wantStatus(t, "second POST", ts.post(t, writeKey, second), 200)
	want2 := `{"meta":{"unixtime":1800000001,"last_sha256":"` + chain.Sum([]byte(want1)) + `"},` +
		`"accounts":[{"username":"Ана <&>","telegram":null,"decentrala":false,"resident":false,` +
		`"otp_prefix":null,"vpn":[],"ssh_keys":[],"fee_payments":[]}]}`
	name2 := chain.FileName(1_800_000_001, chain.Sum([]byte(want2)))
	checkFiles(t, ts.dir, map[string]string{name1: want1, name2: want2})

	got := ts.get(t, "/accounts", writeKey)
	if string(got.body) != want2 {
		t.Errorf("GET /accounts after two POSTs = %s, want %s", got.body, want2)
	}
	vs, err := chain.LoadDir(ts.dir)
	if err != nil || len(vs) != 2 || vs[1].Last != vs[0].SHA256 {
		t.Errorf("LoadDir = %v, %v; want two linked versions", vs, err)
	}
}

// checkFiles checks that dir holds exactly the versions want, by name and
// bytes, the lock file and nothing else (no temp file left behind).
func checkFiles(tb testing.TB, dir string, want map[string]string) {
	tb.Helper()
	wantNames := []string{chain.LockFile}
	for name := range want {
		wantNames = append(wantNames, name)
	}
	slices.Sort(wantNames)
	got := allFiles(tb, dir)
	slices.Sort(got)
	if !slices.Equal(got, wantNames) {
		tb.Fatalf("data folder holds %v, want %v", got, wantNames)
	}
	for name, content := range want {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			tb.Fatal(err)
		}
		if string(data) != content {
			tb.Errorf("%s =\n%s\nwant\n%s", name, data, content)
		}
		if sum := chain.Sum(data); !strings.Contains(name, sum) {
			tb.Errorf("%s hashes to %s", name, sum)
		}
	}
}

func TestPostWithoutChangeStoresNothing(t *testing.T) {
	ts := newServer(t, "")
	body := doc(t, acct("Ana"), acct("Bojan"))
	wantStatus(t, "first POST", ts.post(t, writeKey, body), 200)
	before := testenv.VersionNames(t, ts.dir)
	a := ts.post(t, writeKey, body)
	wantStatus(t, "same POST again", a, 200)
	if string(a.body) != `{"ok":true}` {
		t.Errorf("unchanged POST body = %s", a.body)
	}
	if after := testenv.VersionNames(t, ts.dir); !slices.Equal(before, after) {
		t.Errorf("an unchanged POST wrote a version: %v, then %v", before, after)
	}
	// An empty store and an empty list are the same too.
	empty := newServer(t, "")
	wantStatus(t, "empty POST on the stub", empty.post(t, writeKey, doc(t)), 200)
	if names := testenv.VersionNames(t, empty.dir); len(names) != 0 {
		t.Errorf("posting no accounts onto the stub wrote %v", names)
	}
}

func TestAmountsKeptAsWritten(t *testing.T) {
	ts := newServer(t, "")
	body := doc(t, acct("Ana", set("fee_payments", []any{
		fee("2025-01-01", "ETH", json.Number("0.000000000000000001")),
		fee("2025-01-02", "RSD", json.Number("1500.0")),
		fee("2025-01-03", "BTC", json.Number("1e-05")),
	})))
	wantStatus(t, "POST", ts.post(t, writeKey, body), 200)
	got := string(ts.get(t, "/accounts", readKey).body)
	for _, want := range []string{`"amount":0.000000000000000001}`, `"amount":1500.0}`, `"amount":1e-05}`} {
		if !strings.Contains(got, want) {
			t.Errorf("stored document %s lacks %s", got, want)
		}
	}
}

func TestConditionalGet(t *testing.T) {
	ts := newServer(t, testenv.LegacyCopy(t))
	sum := ts.store.Head().SHA256
	tests := []struct {
		name, header string
		want         int
	}{
		{"none", "", 200},
		{"current", `"` + sum + `"`, 304},
		{"weak current", `W/"` + sum + `"`, 304},
		{"star", "*", 304},
		{"list with current", `"abc", "` + sum + `"`, 304},
		{"stale", `"` + chain.ZeroHash + `"`, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var hdr []string
			if tt.header != "" {
				hdr = []string{"If-None-Match", tt.header}
			}
			a := ts.get(t, "/accounts", readKey, hdr...)
			wantStatus(t, "GET /accounts If-None-Match: "+tt.header, a, tt.want)
			if a.header.Get("ETag") != `"`+sum+`"` {
				t.Errorf("ETag = %s, want %q", a.header.Get("ETag"), `"`+sum+`"`)
			}
			if tt.want == 304 && len(a.body) != 0 {
				t.Errorf("304 with a body: %s", a.body)
			}
		})
	}
}

func TestIfMatch(t *testing.T) {
	tests := []struct {
		name   string
		header func(head string) string
		want   int
	}{
		{"quoted", func(h string) string { return `"` + h + `"` }, 200},
		{"weak", func(h string) string { return `W/"` + h + `"` }, 200},
		{"unquoted", func(h string) string { return h }, 200},
		{"star", func(string) string { return "*" }, 200},
		{"list", func(h string) string { return `"x", "` + h + `"` }, 200},
		{"stale", func(string) string { return `"` + chain.ZeroHash + `"` }, 412},
		{"garbage", func(string) string { return `"nonsense"` }, 412},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, "")
			wantStatus(t, "setup POST", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
			head := ts.store.Head().SHA256
			before := testenv.VersionNames(t, ts.dir)
			a := ts.post(t, writeKey, doc(t, acct("Bojan")), "If-Match", tt.header(head))
			wantStatus(t, "POST If-Match: "+tt.header(head), a, tt.want)
			after := testenv.VersionNames(t, ts.dir)
			if tt.want == 412 {
				if !slices.Equal(before, after) {
					t.Errorf("a 412 stored a version: %v", after)
				}
				if a.header.Get("ETag") != `"`+head+`"` {
					t.Errorf("412 ETag = %q, want the current head", a.header.Get("ETag"))
				}
				checkDetail(t, a)
			} else if len(after) != len(before)+1 {
				t.Errorf("POST stored %d versions, want one more than %d", len(after), len(before))
			}
		})
	}
}

// TestTwoEditorsDoNotOverwrite is the story If-Match exists for.
func TestTwoEditorsDoNotOverwrite(t *testing.T) {
	ts := newServer(t, "")
	wantStatus(t, "setup", ts.post(t, writeKey, doc(t, acct("Ana"))), 200)
	etag := ts.get(t, "/accounts", writeKey).header.Get("ETag")
	wantStatus(t, "first editor", ts.post(t, writeKey, doc(t, acct("Ana"), acct("Bojan")), "If-Match", etag), 200)
	a := ts.post(t, writeKey, doc(t, acct("Ana"), acct("Ceca")), "If-Match", etag)
	wantStatus(t, "second editor with the old ETag", a, http.StatusPreconditionFailed)
	got := parseDoc(t, ts.get(t, "/accounts", readKey).body)
	if len(got.Accounts) != 2 || got.Accounts[1].Username != "Bojan" {
		t.Errorf("after the refused edit the head holds %+v, want Ana and Bojan", got.Accounts)
	}
}

func TestBodyLimit(t *testing.T) {
	const limit = 1024
	small := doc(t, acct("Ana"))
	tests := []struct {
		name    string
		body    []byte
		chunked bool
		want    int
	}{
		{"at the limit", padTo(small, limit), false, 200},
		{"over the limit", padTo(small, limit+1), false, 413},
		{"over the limit, chunked", padTo(small, limit+1), true, 413},
		{"small document then more", append(slices.Clone(small), bytes.Repeat([]byte(" {}"), limit)...), true, 413},
		{"huge", bytes.Repeat([]byte("x"), 10*limit), false, 413},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newServer(t, "", func(o *Options) { o.MaxBody = limit })
			a := ts.postReader(t, tt.body, tt.chunked)
			wantStatus(t, "POST "+tt.name, a, tt.want)
			if tt.want == 413 {
				checkDetail(t, a)
				if !strings.Contains(string(a.body), "1 KiB") {
					t.Errorf("413 body %s does not name the limit", a.body)
				}
				if names := testenv.VersionNames(t, ts.dir); len(names) != 0 {
					t.Errorf("a 413 stored %v", names)
				}
			}
		})
	}
}

// padTo fills a JSON document with trailing whitespace up to n bytes.
func padTo(b []byte, n int) []byte {
	return append(slices.Clone(b), bytes.Repeat([]byte(" "), n-len(b))...)
}

// postReader posts body, without a Content-Length when chunked.
func (ts *testServer) postReader(tb testing.TB, body []byte, chunked bool) answer {
	tb.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/accounts", bytes.NewReader(body))
	if err != nil {
		tb.Fatal(err)
	}
	if chunked {
		req.ContentLength = -1
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = nil
	}
	req.Header.Set("Authorization", "Bearer "+writeKey)
	resp, err := ts.Client().Do(req)
	if err != nil {
		tb.Fatalf("POST: %v", err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	buf.ReadFrom(resp.Body)
	return answer{status: resp.StatusCode, header: resp.Header, body: buf.Bytes()}
}

// checkDetail checks for a {"detail":"..."} body.
func checkDetail(tb testing.TB, a answer) {
	tb.Helper()
	if !bytes.HasPrefix(a.body, []byte(`{"detail":"`)) {
		tb.Errorf("body = %s, want {\"detail\":\"...\"}", a.body)
	}
}
