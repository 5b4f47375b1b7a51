// Package e2e runs the real resident binary, as users and services do.
package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildOut  []byte
)

// residentBinary builds the resident executable once per test run and
// returns its path.
func residentBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "resident-e2e-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "resident")
		cmd := exec.Command("go", "build", "-o", binPath, "..")
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		tb.Fatalf("build resident: %v\n%s", buildErr, buildOut)
	}
	return binPath
}
