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

// TestIntervalWithoutUnit checks that --help names the unit of poll's
// --interval, and that a bare number, as a flag or from the environment,
// is a usage error with a hint.
func TestIntervalWithoutUnit(t *testing.T) {
	bin := residentBinary(t)
	if out, _ := runBin(t, bin, nil, "poll", "--help"); !strings.Contains(out, "a Go duration such as 10m or 90s") {
		t.Errorf("poll --help does not name the unit of --interval:\n%s", out)
	}
	cfg := writeConfig(t, t.TempDir(), map[string]any{})
	for _, tt := range []struct {
		name string
		env  []string
		args []string
	}{
		{name: "flag", args: []string{"--interval", "10"}},
		{name: "env var", env: []string{"RESIDENT_INTERVAL=10"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"poll", "--config", cfg, "--data", t.TempDir()}, tt.args...)
			out, code := runBin(t, bin, tt.env, args...)
			if code != 2 || !strings.Contains(out, "hint: write a unit: 10m, 90s") {
				t.Errorf("poll %q with %q exited %d, want 2 with a hint:\n%s", tt.args, tt.env, code, out)
			}
		})
	}
}
