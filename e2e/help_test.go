package e2e

import (
	"strings"
	"testing"
)

// TestHelpDefaultsOnce checks that no flag's help line states its default
// twice, once by hand and once as urfave/cli adds it.
func TestHelpDefaultsOnce(t *testing.T) {
	bin := residentBinary(t)
	for _, cmd := range []string{"serve", "healthcheck", "demo-data", "poll", "update-vpn",
		"update-telegram-ids", "verify-chain"} {
		out, code := runBin(t, bin, nil, cmd, "--help")
		if code != 0 || !strings.Contains(out, "--help") {
			t.Errorf("resident %s --help exited %d:\n%s", cmd, code, out)
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.Count(line, "(default") > 1 {
				t.Errorf("resident %s --help states a default twice: %s", cmd, strings.TrimSpace(line))
			}
		}
	}
}
