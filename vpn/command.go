package vpn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"strings"
	"time"

	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/proc"
)

// Checker tells whether a complete config file, under its temp name, is
// one the interface tooling accepts.
type Checker interface {
	Check(ctx context.Context, path string) error
}

// Reloader makes the running interface follow the installed file.
type Reloader interface {
	Reload(ctx context.Context) error
}

// WGQuick checks a file with `wg-quick strip`, which parses it as
// `wg-quick up` would, including the file name rule.
type WGQuick struct {
	Timeout time.Duration
	Log     *slog.Logger
	// Secrets are replaced in any output before it is logged.
	Secrets []string
}

// Check runs wg-quick strip on path. Its output is the config itself,
// private key included, so only the error output is kept.
func (w WGQuick) Check(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	cmd := proc.Command(ctx, "wg-quick", "strip", path)
	cmd.Stdout = io.Discard
	return run(ctx, cmd, w.Timeout, w.Log, w.Secrets)
}

// Shell reloads by running a command line through sh -c, such as
// `service wg-quick@wg0 reload`.
type Shell struct {
	Command string
	Timeout time.Duration
	Log     *slog.Logger
	// Secrets are replaced in any output before it is logged.
	Secrets []string
}

// Reload runs the command and waits for it, at most Timeout.
func (s Shell) Reload(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.Timeout)
	defer cancel()
	return run(ctx, proc.Command(ctx, "sh", "-c", s.Command), s.Timeout, s.Log, s.Secrets)
}

// maxOutput bounds how much of a command's output is kept for the log.
const maxOutput = 8 << 10

// run runs cmd, made by proc.Command with ctx so that the end of ctx
// (timeout after it began) kills everything it started, and logs its output
// with secrets replaced. The error carries the first line of that output,
// for the one-line reason.
func run(ctx context.Context, cmd *exec.Cmd, timeout time.Duration, log *slog.Logger,
	secrets []string) error {
	var out limitedBuffer
	if cmd.Stdout == nil {
		cmd.Stdout = &out
	}
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", cmd.Args[0], err)
	}
	err := cmd.Wait()
	text := redact(out.String(), secrets)
	line := strings.TrimSpace(text)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	level := slog.LevelDebug
	if err != nil || ctx.Err() != nil {
		level = slog.LevelWarn
	}
	log.Log(ctx, level, "command finished", logkey.Command, redact(strings.Join(cmd.Args, " "), secrets),
		logkey.Output, text)
	switch {
	case ctx.Err() != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("%s: killed after %s", cmd.Args[0], timeout)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", cmd.Args[0], ctx.Err())
	case err != nil && line != "":
		return fmt.Errorf("%s: %w: %s", cmd.Args[0], err, line)
	case err != nil:
		return fmt.Errorf("%s: %w", cmd.Args[0], err)
	}
	return nil
}

// redact replaces every secret in s, and the start of one where the kept
// output was cut off in the middle of it.
func redact(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		s = strings.ReplaceAll(s, sec, "[redacted]")
		for n := len(sec) - 1; n >= 4; n-- {
			if strings.HasSuffix(s, sec[:n]) {
				s = s[:len(s)-n] + "[redacted]"
				break
			}
		}
	}
	return s
}

// limitedBuffer keeps the first maxOutput bytes written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
