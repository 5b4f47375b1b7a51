package e2e

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyChainNothingToCheck checks that verify-chain pointed at a
// folder or server without versions, or at a folder that is not there,
// says the chain is not sound rather than telling the auditor all is well.
func TestVerifyChainNothingToCheck(t *testing.T) {
	bin := residentBinary(t)
	tmp := t.TempDir()
	empty, missing := t.TempDir(), filepath.Join(tmp, "resident-dta")
	base := runServe(t, bin, filepath.Join(tmp, "fresh"), freeAddr(t)).base
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{name: "empty folder", args: []string{"--dir", empty},
			want: []string{"not sound", "no versions found", "hint: check that " + empty}},
		{name: "empty folder as JSON", args: []string{"--json", "--dir", empty},
			want: []string{`"sound": false`, `"detail": "no versions found"`}},
		{name: "missing folder", args: []string{"--dir", missing},
			want: []string{"resident: error: data folder " + missing + " does not exist"}},
		{name: "server without versions", args: []string{"--url", base},
			want: []string{"not sound", "no versions found", "hint: check that " + base}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, code := runBin(t, bin, []string{"RESIDENT_KEY=" + readKey},
				append([]string{"verify-chain"}, tt.args...)...)
			if code != 1 {
				t.Errorf("verify-chain %q exited %d, want 1:\n%s", tt.args, code, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("verify-chain %q output lacks %q:\n%s", tt.args, w, out)
				}
			}
		})
	}
}
