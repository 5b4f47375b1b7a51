package poll

import (
	"context"
	"errors"
	"fmt"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

type outcomeKind int

const (
	unchanged outcomeKind = iota
	applied
	failed
)

// outcome is the result of the check part of a cycle.
type outcome struct {
	kind       outcomeKind
	serverHead string // the sha256 of the head /accounts served
	// problem is why the chain did not verify: the failure itself, or the
	// reason an applied change is marked unverified.
	problem error
	added   int // versions stored
	old     *model.Document
	new     *model.Document
	newSHA  string
}

// check runs steps 1 to 4 of a cycle within the check limit.
func (p *Poller) check(ctx context.Context, st *state) (outcome, error) {
	ctx, cancel := context.WithTimeout(ctx, p.opt.CheckTimeout)
	defer cancel()
	l, err := readLocal(p.dir, st)
	if err != nil {
		return outcome{}, err
	}
	body, err := p.client.accounts(ctx, l.lastSHA)
	if err != nil {
		return outcome{}, err
	}
	if body == nil || chain.Sum(body) == l.lastSHA {
		p.log.Debug("no change", logkey.Version, l.lastSHA)
		return outcome{kind: unchanged, serverHead: l.lastSHA}, nil
	}
	out := outcome{serverHead: chain.Sum(body), old: l.lastDoc}
	if out.serverHead == st.ReportedBad {
		// The check depends only on the server's chain and the local
		// one, and neither changed: it would fail the same way again.
		out.kind, out.problem = failed, errors.New("the server still serves the head that failed")
		return out, nil
	}
	doc, perr := model.Parse(body)
	if doc == nil {
		out.kind, out.problem = failed, fmt.Errorf("the head served at /accounts: %w", perr)
		return out, nil
	}
	if isStub(doc) && l.head.SHA256 == "" {
		p.log.Info("the server holds no version yet")
		return outcome{kind: unchanged, serverHead: out.serverHead}, nil
	}
	if p.extendsHead(l, doc) {
		name := chain.FileName(doc.Meta.Unixtime, out.serverHead)
		if _, err := chain.ReadVersion(name, body); err == nil {
			return p.applyOne(out, name, body, doc, perr)
		}
	}
	return p.fullCheck(ctx, l, st, out, body, doc)
}

// isStub tells whether doc is what a server with no version serves.
func isStub(doc *model.Document) bool {
	return doc.Meta.Unixtime == 0 && doc.Meta.LastSHA256 == chain.ZeroHash && len(doc.Accounts) == 0
}

// extendsHead tells whether the new head links straight onto the local
// copy's verified head, which last.json holds.
func (p *Poller) extendsHead(l local, doc *model.Document) bool {
	return l.head.SHA256 != "" && l.lastSHA == l.head.SHA256 &&
		doc.Meta.LastSHA256 == l.head.SHA256
}

// applyOne stores a head that links onto the local one (step 2).
func (p *Poller) applyOne(out outcome, name string, body []byte,
	doc *model.Document, perr error) (outcome, error) {
	if perr != nil {
		if o, ok := p.refuseStrict(out, perr); ok {
			return o, nil
		}
		out.problem = perr
	}
	if err := writeVersion(p.dir, name, body); err != nil {
		return outcome{}, err
	}
	if err := writeLast(p.dir, body); err != nil {
		return outcome{}, err
	}
	out.kind, out.added, out.new, out.newSHA = applied, 1, doc, out.serverHead
	return out, nil
}

// refuseStrict turns a problem into a failed outcome in strict mode.
func (p *Poller) refuseStrict(out outcome, problem error) (outcome, bool) {
	if !p.opt.Strict {
		return out, false
	}
	out.kind, out.problem = failed, problem
	return out, true
}

// fullCheck fetches /dump and verifies every version in it (step 3).
func (p *Poller) fullCheck(ctx context.Context, l local, st *state, out outcome,
	body []byte, doc *model.Document) (outcome, error) {
	p.log.Info("full check", logkey.Version, out.serverHead)
	rc, err := p.client.dump(ctx, l.head.SHA256)
	if errors.Is(err, errSinceUnknown) {
		rc, err = p.client.dump(ctx, "")
	}
	if err != nil {
		return outcome{}, err
	}
	defer rc.Close()
	stg, err := newStaging(p.dir)
	if err != nil {
		return outcome{}, err
	}
	defer stg.remove()
	names, err := storedNames(p.dir)
	if err != nil {
		return outcome{}, err
	}
	r := &received{stg: stg, names: names}
	if err := r.read(rc); err != nil {
		return outcome{}, fmt.Errorf("read /dump: %w", err)
	}
	r.verify(l.head, out.serverHead)
	if r.problem == nil {
		return p.store(st, out, r)
	}
	if o, ok := p.refuseStrict(out, r.problem); ok {
		return o, nil
	}
	return p.acceptUnverified(st, out, r, body, doc)
}
