package poll

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/proc"
)

const (
	// maxOutput is how much of the command's output is kept, from its end.
	maxOutput = 64 << 10
	// tailLines is how many lines of output a failure notification shows.
	tailLines = 10
)

// update runs the update command when last.json changed since it last
// succeeded (step 5), so a failed run is retried every cycle.
func (p *Poller) update(ctx context.Context, st *state) error {
	last, err := os.ReadFile(filepath.Join(p.dir, LastFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("read last.json: %w", err)
	}
	sum := chain.Sum(last)
	if st.Applied == sum {
		return nil
	}
	if p.opt.Command == "" {
		st.Applied = sum
		return nil
	}
	res := p.run(ctx)
	if res.err != nil {
		if !st.CommandFailing {
			p.notify(ctx, p.commandFailedText(res))
			st.CommandFailing = true
		}
		return fmt.Errorf("update command: %w", res.err)
	}
	if st.CommandFailing {
		p.notify(ctx, p.prefix()+"the update command succeeds again.")
		st.CommandFailing = false
	}
	st.Applied = sum
	return nil
}

// result is how a run of the update command ended.
type result struct {
	err    error
	code   int // exit status, -1 when killed
	output string
}

// run runs the command through sh -c in a process group of its own, which
// is killed whole at the time limit. Output goes to an unlinked temp file
// rather than a pipe, so that a daemon the command starts and that keeps
// the output open does not hold the cycle.
func (p *Poller) run(ctx context.Context) result {
	ctx, cancel := context.WithTimeout(ctx, p.opt.UpdateTimeout)
	defer cancel()
	out, err := os.CreateTemp("", "resident-poll-output-*")
	if err != nil {
		return result{err: fmt.Errorf("create output file: %w", err), code: -1}
	}
	os.Remove(out.Name())
	defer out.Close()
	cmd := proc.Command(ctx, "sh", "-c", p.opt.Command)
	cmd.Env = append(os.Environ(), "RESIDENT_DATA="+p.dir,
		"RESIDENT_LAST="+filepath.Join(p.dir, LastFile))
	cmd.Stdout, cmd.Stderr = out, out
	p.log.Info("running update command", logkey.Command, p.opt.Command)
	start := time.Now()
	err = cmd.Run()
	res := result{err: err, output: tail(out, maxOutput)}
	if ctx.Err() != nil && cmd.Process != nil {
		res.err = fmt.Errorf("killed after %s: %w", p.opt.UpdateTimeout, context.DeadlineExceeded)
	}
	res.code = cmd.ProcessState.ExitCode()
	p.logRun(res, time.Since(start))
	return res
}

func (p *Poller) logRun(res result, d time.Duration) {
	attrs := []any{logkey.ExitCode, res.code, logkey.Duration, d.Round(time.Millisecond),
		logkey.Output, res.output}
	if res.err != nil {
		p.log.Error("update command failed", append(attrs, logkey.Err, res.err)...)
		return
	}
	p.log.Info("update command succeeded", attrs...)
}

// tail returns at most limit bytes from the end of f.
func tail(f *os.File, limit int64) string {
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return ""
	}
	from := max(0, size-limit)
	buf := make([]byte, size-from)
	n, _ := f.ReadAt(buf, from)
	return string(buf[:n])
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
