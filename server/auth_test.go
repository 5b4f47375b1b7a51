package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xecut/resident/internal/testenv"
)

// TestRoleMatrix checks every cell of the table of endpoints and
// keys, on the legacy folder.
func TestRoleMatrix(t *testing.T) {
	ts := newServer(t, testenv.LegacyCopy(t))
	head := ts.store.Head()
	unchanged := headBody(t, head.Bytes)
	keys := []struct{ name, key string }{
		{"no key", ""}, {"unknown key", "not-a-key-at-all"},
		{"read", readKey}, {"write", writeKey}, {"election", electionKey},
	}
	tests := []struct {
		method, path string
		want         []int // per entry of keys
	}{
		{"GET", "/accounts", []int{401, 401, 200, 200, 200}},
		{"POST", "/accounts", []int{401, 401, 403, 200, 200}},
		{"GET", "/dump", []int{401, 401, 200, 200, 403}},
		{"GET", "/me", []int{401, 401, 200, 200, 200}},
		{"GET", "/export/vpn", []int{401, 401, 200, 200, 403}},
		{"GET", "/export/otp-map", []int{401, 401, 200, 200, 403}},
		{"GET", "/", []int{200, 200, 200, 200, 200}},
		{"GET", "/docs/", []int{200, 200, 200, 200, 200}},
		{"GET", "/openapi.json", []int{200, 200, 200, 200, 200}},
		{"GET", "/healthz", []int{200, 200, 200, 200, 200}},
	}
	for _, tt := range tests {
		for i, k := range keys {
			t.Run(tt.method+" "+tt.path+" "+k.name, func(t *testing.T) {
				var body []byte
				if tt.method == "POST" {
					body = unchanged
				}
				a := ts.do(t, tt.method, tt.path, k.key, body)
				wantStatus(t, tt.method+" "+tt.path+" with "+k.name, a, tt.want[i])
				checkErrorShape(t, a)
			})
		}
	}
	if got := ts.store.Head().SHA256; got != head.SHA256 {
		t.Errorf("posting the head's own accounts moved the head to %s", got)
	}
}

// headBody turns a stored version into a POST body of the same accounts.
func headBody(tb testing.TB, stored []byte) []byte {
	tb.Helper()
	var d map[string]json.RawMessage
	if err := json.Unmarshal(stored, &d); err != nil {
		tb.Fatal(err)
	}
	return []byte(`{"accounts":` + string(d["accounts"]) + `}`)
}

// checkErrorShape checks what every refusal carries.
func checkErrorShape(tb testing.TB, a answer) {
	tb.Helper()
	switch a.status {
	case http.StatusUnauthorized:
		if got := a.header.Get("WWW-Authenticate"); got != "Bearer" {
			tb.Errorf("401 WWW-Authenticate = %q, want Bearer", got)
		}
		fallthrough
	case http.StatusForbidden:
		var e struct{ Detail string }
		if err := json.Unmarshal(a.body, &e); err != nil || e.Detail == "" {
			tb.Errorf("%d body = %s, want {\"detail\":\"...\"}", a.status, a.body)
		}
	}
}

func TestMe(t *testing.T) {
	ts := newServer(t, "")
	tests := []struct{ key, want string }{
		{readKey, `{"access":"read-only","edit":false,"new":false}`},
		{writeKey, `{"access":"read-write","edit":true,"new":true}`},
		{electionKey, `{"access":"decentrala election (just residency edit)","edit":true,"new":false}`},
	}
	for _, tt := range tests {
		a := ts.get(t, "/me", tt.key)
		if string(a.body) != tt.want {
			t.Errorf("GET /me with %s = %s, want %s", tt.key, a.body, tt.want)
		}
	}
}

func TestAuthorizationHeaderForms(t *testing.T) {
	ts := newServer(t, "")
	tests := []struct {
		name, header string
		want         int
	}{
		{"bearer", "Bearer " + readKey, 200},
		{"lower-case scheme", "bearer " + readKey, 200},
		{"basic scheme", "Basic " + readKey, 401},
		{"key alone", readKey, 401},
		{"key with a suffix", "Bearer " + readKey + "x", 401},
		{"key cut short", "Bearer " + readKey[:len(readKey)-1], 401},
		{"empty bearer", "Bearer ", 401},
		{"another case", "Bearer " + strings.ToUpper(readKey), 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := ts.get(t, "/me", "", "Authorization", tt.header)
			wantStatus(t, "GET /me with Authorization: "+tt.header, a, tt.want)
			checkErrorShape(t, a)
		})
	}
}

func TestRoleOf(t *testing.T) {
	a := newAuthenticator(Keys{Read: readKey, Write: writeKey, Election: electionKey})
	tests := []struct {
		key  string
		want role
	}{
		{readKey, roleRead}, {writeKey, roleWrite}, {electionKey, roleElection},
		{"", roleNone}, {"read-key-000", roleNone}, {"read-key-00011", roleNone},
		{strings.Repeat("x", 10000), roleNone},
	}
	for _, tt := range tests {
		if got := a.roleOf(tt.key); got != tt.want {
			t.Errorf("roleOf(%q) = %s, want %s", tt.key, got, tt.want)
		}
	}
}

func TestKeysFromEnv(t *testing.T) {
	valid := map[string]string{EnvReadKey: readKey, EnvWriteKey: writeKey, EnvElectionKey: electionKey}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string // a part of the message; "" for no error
	}{
		{"valid", nil, ""},
		{"read missing", map[string]string{EnvReadKey: ""}, "READ_KEY is not set"},
		{"write missing", map[string]string{EnvWriteKey: ""}, "WRITE_KEY is not set"},
		{"election missing", map[string]string{EnvElectionKey: ""}, "DECENTRALA_ELECTION_KEY is not set"},
		{"short", map[string]string{EnvWriteKey: "123456789"}, "WRITE_KEY is shorter than 10"},
		{"space", map[string]string{EnvReadKey: "read key 0001"}, "READ_KEY contains whitespace"},
		{"newline", map[string]string{EnvReadKey: "read-key-0001\n"}, "READ_KEY contains whitespace"},
		{"control", map[string]string{EnvElectionKey: "election\x00key-3"}, "DECENTRALA_ELECTION_KEY contains control"},
		{"write equals read", map[string]string{EnvWriteKey: readKey}, "WRITE_KEY must differ from READ_KEY"},
		{"election equals write", map[string]string{EnvElectionKey: writeKey}, "DECENTRALA_ELECTION_KEY must differ from WRITE_KEY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range valid {
				env[k] = v
			}
			for k, v := range tt.env {
				env[k] = v
			}
			keys, err := KeysFromEnv(func(k string) string { return env[k] })
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("KeysFromEnv = %v, want no error", err)
			case tt.wantErr == "" && keys != (Keys{Read: readKey, Write: writeKey, Election: electionKey}):
				t.Fatalf("KeysFromEnv = %+v, want the three keys", keys)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("KeysFromEnv error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// TestLogsHoldNoSecrets sends every key and a body with a telltale value
// and checks the log: one line per request with the role, no key, no body.
func TestLogsHoldNoSecrets(t *testing.T) {
	ts := newServer(t, "")
	secret := "telltale_7f3a"
	ts.post(t, writeKey, doc(t, acct("Ana", set("telegram", secret))))
	ts.get(t, "/accounts", readKey)
	ts.get(t, "/accounts", electionKey)
	ts.get(t, "/dump?since=0000000000000000000000000000000000000000000000000000000000000000", "wrong-key-12345")
	logs := ts.logs.String()
	for _, s := range []string{readKey, writeKey, electionKey, "wrong-key-12345", secret} {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains %q:\n%s", s, logs)
		}
	}
	var requests []string
	for _, l := range lines(logs) {
		if strings.Contains(l, "msg=request") {
			requests = append(requests, l)
		}
	}
	want := []string{
		"method=POST path=/accounts status=200", "role=read-write",
		"method=GET path=/accounts status=200", "role=read-only",
		"method=GET path=/accounts status=200", "role=decentrala-election",
		"method=GET path=/dump status=401", "role=none",
	}
	if len(requests) != 4 {
		t.Fatalf("got %d request lines, want 4:\n%s", len(requests), logs)
	}
	for i, l := range requests {
		for _, part := range want[2*i : 2*i+2] {
			if !strings.Contains(l, part) {
				t.Errorf("request line %d = %q, want it to contain %q", i, l, part)
			}
		}
		if !strings.Contains(l, "duration=") {
			t.Errorf("request line %d = %q has no duration", i, l)
		}
	}
}

func TestPageHeaders(t *testing.T) {
	ts := newServer(t, "")
	a := ts.get(t, "/", "")
	wantStatus(t, "GET /", a, 200)
	for name, want := range map[string]string{
		"Content-Type":           "text/html; charset=utf-8",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
	} {
		if got := a.header.Get(name); got != want {
			t.Errorf("GET / %s = %q, want %q", name, got, want)
		}
	}
	if csp := a.header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("GET / Content-Security-Policy = %q, want the page's policy", csp)
	}
	page, err := os.ReadFile(filepath.Join("..", "ui", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.body, page) {
		t.Errorf("GET / did not serve ui/index.html")
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	ts := newServer(t, "")
	a := ts.get(t, "/nope", readKey)
	wantStatus(t, "GET /nope", a, http.StatusNotFound)
	if string(a.body) != `{"detail":"not found"}` {
		t.Errorf("GET /nope body = %s", a.body)
	}
	a = ts.do(t, http.MethodDelete, "/accounts", writeKey, nil)
	wantStatus(t, "DELETE /accounts", a, http.StatusMethodNotAllowed)
}
