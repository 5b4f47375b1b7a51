package vpn

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestShellReload(t *testing.T) {
	tests := []struct {
		name    string
		command string
		wantErr []string
	}{
		{name: "success", command: "true"},
		{name: "failure with its first output line", command: "echo first; echo second; exit 3",
			wantErr: []string{"sh: exit status 3: first"}},
		{name: "secret in the output", command: "echo " + testPrivateKey + "; exit 1",
			wantErr: []string{"[redacted]"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			s := Shell{Command: tt.command, Timeout: 10 * time.Second,
				Log:     slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug})),
				Secrets: []string{testPrivateKey}}
			err := s.Reload(context.Background())
			checkErr(t, err, tt.wantErr)
			if strings.Contains(log.String()+errString(err), testPrivateKey) {
				t.Errorf("the private key reached the log or the error: %s %v", log.String(), err)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// A reload that hangs is killed with everything it started.
func TestShellReloadTimeout(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	s := Shell{Command: "sleep 60 & echo $! > " + pidFile + "; wait", Timeout: 300 * time.Millisecond,
		Log: discard()}
	start := time.Now()
	err := s.Reload(context.Background())
	checkErr(t, err, []string{"killed after 300ms"})
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Reload() took %s after a 300ms timeout", d)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	if _, err := fmt.Sscan(strings.TrimSpace(string(data)), &pid); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for syscall.Kill(pid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if syscall.Kill(pid, 0) == nil && !zombie(pid) {
		t.Errorf("the reload's child %d still runs after the timeout", pid)
	}
}

// zombie tells whether pid has exited and waits only to be reaped.
func zombie(pid int) bool {
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return strings.HasPrefix(rest, "Z")
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"key " + testPrivateKey + " end", "key [redacted] end"},
		{"cut " + testPrivateKey[:20], "cut [redacted]"},
		{"nothing", "nothing"},
	}
	for _, tt := range tests {
		if got := redact(tt.in, []string{testPrivateKey, ""}); got != tt.want {
			t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
