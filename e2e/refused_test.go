package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRefusedRequests checks that poll and verify-chain, refused by a real
// server, say what the server said, which URL they asked and what to fix,
// without showing the key they sent.
func TestRefusedRequests(t *testing.T) {
	bin := residentBinary(t)
	tmp := t.TempDir()
	base := runServe(t, bin, filepath.Join(tmp, "server"), freeAddr(t)).base
	const wrongKey = "e2e-wrong-key-0009"
	tests := []struct {
		name string
		poll bool // run poll --once rather than verify-chain
		key  string
		url  string
		want []string
	}{
		{name: "poll with a wrong key", poll: true, key: wrongKey, url: base,
			want: []string{"GET " + base + "/accounts: server answered 401 Unauthorized: a valid key is required",
				"hint: the server did not take the key: check resident_storage_api_key"}},
		{name: "verify-chain with the election key", key: electionKey, url: base,
			want: []string{"GET " + base + "/dump: server answered 403 Forbidden: the ",
				"hint: use the read key"}},
		{name: "poll at a wrong path", poll: true, key: readKey, url: base + "/api/accounts",
			want: []string{"GET " + base + "/api/accounts: server answered 404 Not Found",
				"hint: resident_storage_url (verify-chain: --url) should be the service's base URL"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out string
			var code int
			if tt.poll {
				dir := t.TempDir()
				cfg := writeConfig(t, dir, map[string]any{"resident_storage_url": tt.url,
					"resident_storage_api_key": tt.key, "on_update_command": "true"})
				out, code = runBin(t, bin, nil, "poll", "--once", "--config", cfg,
					"--data", filepath.Join(dir, "data"))
			} else {
				out, code = runBin(t, bin, []string{"RESIDENT_KEY=" + tt.key}, "verify-chain", "--url", tt.url)
			}
			if code != 1 {
				t.Errorf("exit %d, want 1:\n%s", code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if strings.Contains(out, tt.key) {
				t.Errorf("the key is in the output:\n%s", out)
			}
		})
	}
}
