package poll

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// TestStatusError checks that a refused request names the URL asked,
// quotes the server's detail on one bounded line, gives the matching hint,
// and never shows the key.
func TestStatusError(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := []struct {
		name       string
		code       int
		body       string
		path       string // the URL given, after the server's base
		wantDetail string
		wantHint   string
	}{
		{name: "401 with detail", code: 401, path: "/accounts",
			body:       `{"detail":"a valid key is required:\nsend\tone"}`,
			wantDetail: ": a valid key is required: send one", wantHint: "resident_storage_api_key"},
		{name: "403 from the election key", code: 403, path: "",
			body:       `{"detail":"the election key may not do this"}`,
			wantDetail: ": the election key may not do this", wantHint: "use the read key"},
		{name: "404 not JSON", code: 404, path: "/api/accounts", body: "404 page not found",
			wantHint: "base URL or end in /accounts"},
		{name: "long detail", code: 500, path: "", body: `{"detail":"` + long + `"}`,
			wantDetail: ": " + long[:maxDetail] + "…"},
		{name: "detail not a string", code: 401, path: "", body: `{"detail":[{"loc":"x"}]}`,
			wantHint: "resident_storage_api_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.code)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := VerifyURL(context.Background(), srv.Client(), srv.URL+tt.path, "secret-key-1")
			var se *StatusError
			if !errors.As(err, &se) {
				t.Fatalf("VerifyURL() = %v, want a StatusError", err)
			}
			want := "GET " + srv.URL + strings.TrimSuffix(tt.path, "/accounts") + "/dump: server answered " +
				strconv.Itoa(tt.code) + " " + http.StatusText(tt.code)
			if msg := err.Error(); !strings.Contains(msg, want) || !strings.HasSuffix(msg, tt.wantDetail) {
				t.Errorf("VerifyURL() error %q, want %q ending in %q", msg, want, tt.wantDetail)
			}
			if h := Hint(err); tt.wantHint == "" && h != "" || !strings.Contains(h, tt.wantHint) {
				t.Errorf("Hint() = %q, want one saying %q", h, tt.wantHint)
			}
			if strings.Contains(err.Error(), "secret-key-1") {
				t.Errorf("the key is in %q", err)
			}
		})
	}
}
