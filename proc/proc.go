// Package proc starts the outside commands resident hands work to (the
// poller's update command, the VPN check and reload) so that a time limit
// ends everything such a command started, not only the shell in front.
package proc

import (
	"context"
	"os/exec"
	"syscall"
	"time"
)

// waitDelay is how long Wait keeps reading output after the command ended
// or was killed, before it gives up on children that still hold the pipes.
const waitDelay = 2 * time.Second

// Command is exec.CommandContext for a command that may start children:
// it runs in a process group of its own, and when ctx ends the whole group
// is killed.
func Command(ctx context.Context, name string, arg ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, arg...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	return cmd
}
