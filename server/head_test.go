package server

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/xecut/resident/internal/testenv"
)

// TestHead checks that HEAD, as curl -I sends it, answers like GET on the
// routes that are safe to ask twice: same status and headers, no body,
// and the same keys let in.
func TestHead(t *testing.T) {
	ts := newServer(t, testenv.LegacyCopy(t))
	tests := []struct {
		name       string
		path       string
		key        string
		wantStatus int
	}{
		{name: "accounts", path: "/accounts", key: readKey, wantStatus: 200},
		{name: "accounts, election key", path: "/accounts", key: electionKey, wantStatus: 200},
		{name: "accounts without a key", path: "/accounts", wantStatus: 401},
		{name: "healthz", path: "/healthz", wantStatus: 200},
		{name: "export by the election key", path: "/export/vpn", key: electionKey, wantStatus: 403},
		{name: "otp map", path: "/export/otp-map", key: writeKey, wantStatus: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			get := ts.get(t, tt.path, tt.key)
			head := ts.do(t, http.MethodHead, tt.path, tt.key, nil)
			if head.status != tt.wantStatus || get.status != tt.wantStatus {
				t.Fatalf("HEAD %s = %d, GET = %d, want %d", tt.path, head.status, get.status, tt.wantStatus)
			}
			if len(head.body) != 0 {
				t.Errorf("HEAD %s sent a body: %q", tt.path, head.body)
			}
			for _, h := range []string{"Content-Type", "ETag", "Cache-Control", "WWW-Authenticate"} {
				if got, want := head.header.Get(h), get.header.Get(h); got != want {
					t.Errorf("HEAD %s header %s = %q, want GET's %q", tt.path, h, got, want)
				}
			}
			if cl := head.header.Get("Content-Length"); cl != "" && cl != strconv.Itoa(len(get.body)) {
				t.Errorf("HEAD %s Content-Length = %s, want %d", tt.path, cl, len(get.body))
			}
		})
	}
}
