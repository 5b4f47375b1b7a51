package proc

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCommandKillsTheGroup starts a shell that leaves a child behind and
// checks that the time limit ends the child too.
func TestCommandKillsTheGroup(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "child.pid")
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	cmd := Command(ctx, "sh", "-c", "sleep 60 & echo $! > "+pidFile+"; wait")
	start := time.Now()
	err := cmd.Run()
	if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatalf("Run() = %v with ctx %v, want an error after the deadline", err, ctx.Err())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run took %s, want it to end soon after the 300ms limit", d)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("read child pid: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatalf("child pid %q: %v", data, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("child %d still runs after its group was killed", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCommandFinishesNormally(t *testing.T) {
	out, err := Command(context.Background(), "sh", "-c", "echo hello").Output()
	if err != nil || strings.TrimSpace(string(out)) != "hello" {
		t.Fatalf("Output() = %q, %v, want hello", out, err)
	}
}

// alive tells whether pid runs; a killed child that nobody has reaped yet
// (a zombie) does not count.
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, rest, _ := strings.Cut(string(stat), ") ")
	return !strings.HasPrefix(rest, "Z")
}
