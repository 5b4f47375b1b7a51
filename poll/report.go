package poll

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

// report logs the outcome of a check and sends the notifications it
// calls for: a change applied, a chain that fails for a server head not
// reported yet, and a chain that verifies again.
func (p *Poller) report(ctx context.Context, st *state, out outcome) {
	switch out.kind {
	case failed:
		p.log.Error("the server's chain failed validation; nothing stored",
			logkey.Version, out.serverHead, logkey.Err, out.problem)
		if st.ReportedBad != out.serverHead {
			p.notify(ctx, p.failedText(out))
			st.ReportedBad = out.serverHead
		}
		return
	case applied:
		p.log.Info("version applied", logkey.Version, out.newSHA, logkey.Count, out.added,
			"verified", out.problem == nil)
		p.notify(ctx, p.appliedText(out))
	}
	if st.ReportedBad != "" && out.kind != failed && out.problem == nil {
		p.notify(ctx, p.prefix()+"the server's chain verifies again (head "+
			chain.Short(out.serverHead)+").")
		st.ReportedBad = ""
	}
}

func (p *Poller) prefix() string {
	if p.host == "" {
		return "resident poll: "
	}
	return "resident poll on " + p.host + ": "
}

func (p *Poller) appliedText(out outcome) string {
	var b strings.Builder
	b.WriteString(p.prefix() + "new version applied\n")
	fmt.Fprintf(&b, "time: %s\nversion: %s\n", unixUTC(out.new.Meta.Unixtime), chain.Short(out.newSHA))
	if out.added > 1 {
		fmt.Fprintf(&b, "versions stored: %d\n", out.added)
	}
	if out.problem != nil {
		fmt.Fprintf(&b, "NOT VERIFIED (strict_validation is false): %v\n", out.problem)
	}
	b.WriteString(changesText(out.old, out.new))
	return strings.TrimRight(b.String(), "\n")
}

func changesText(old, new *model.Document) string {
	if old == nil {
		// Listing every account of a first copy would say nothing.
		return fmt.Sprintf("first copy: %d accounts", len(new.Accounts))
	}
	c := model.Diff(old.Accounts, new.Accounts)
	if c.Empty() {
		return "no account changed"
	}
	var b strings.Builder
	for _, part := range []struct {
		what  string
		names []string
	}{{"added", c.Added}, {"removed", c.Removed}, {"changed", c.Changed}} {
		if len(part.names) > 0 {
			fmt.Fprintf(&b, "%s (%d): %s\n", part.what, len(part.names),
				strings.Join(part.names, ", "))
		}
	}
	return b.String()
}

func (p *Poller) failedText(out outcome) string {
	return fmt.Sprintf("%sthe server's chain failed validation; nothing was stored and "+
		"the update command did not run.\nserver head: %s\nproblem: %v",
		p.prefix(), chain.Short(out.serverHead), out.problem)
}

func (p *Poller) commandFailedText(res result) string {
	text := fmt.Sprintf("%sthe update command failed (exit status %d): %v",
		p.prefix(), res.code, res.err)
	if out := lastLines(res.output, tailLines); out != "" {
		text += "\nlast lines of its output:\n" + out
	}
	return text
}

func unixUTC(t int64) string {
	return time.Unix(t, 0).UTC().Format(time.RFC3339)
}
