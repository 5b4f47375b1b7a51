package poll

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

// store moves the verified versions into the local copy and then writes
// last.json, the file consumers read, last of all.
func (p *Poller) store(st *state, out outcome, r *received) (outcome, error) {
	fresh := r.fresh()
	if err := r.stg.commit(p.dir, fresh); err != nil {
		return outcome{}, err
	}
	head := r.ordered[len(r.ordered)-1]
	data, err := os.ReadFile(filepath.Join(p.dir, head.Name))
	if err != nil {
		return outcome{}, fmt.Errorf("read new head: %w", err)
	}
	st.ChainHead, st.ChainHeadName = head.SHA256, head.Name
	if err := writeLast(p.dir, data); err != nil {
		return outcome{}, err
	}
	out.kind, out.added, out.new, out.newSHA = applied, len(fresh), r.headDoc, head.SHA256
	out.problem = r.problem
	return out, nil
}

// acceptUnverified applies a transition that failed the check, as
// strict_validation false asks (step 4). When the server's chain is sound
// in itself but replaced history seen here, it is adopted and the
// versions it dropped are set aside; when it is not sound, only the head
// is taken, into last.json, and the stored chain stays as it was.
func (p *Poller) acceptUnverified(st *state, out outcome, r *received,
	body []byte, doc *model.Document) (outcome, error) {
	p.log.Warn("accepting a change that did not verify, as strict_validation is false",
		logkey.Version, out.serverHead, logkey.Err, r.problem)
	if len(r.ordered) > 0 && r.headDoc != nil {
		if r.whole {
			if err := setAside(p.dir, r.dropped(), p.opt.Now()); err != nil {
				return outcome{}, err
			}
		}
		return p.store(st, out, r)
	}
	if err := writeLast(p.dir, body); err != nil {
		return outcome{}, err
	}
	out.kind, out.new, out.newSHA, out.problem = applied, doc, out.serverHead, r.problem
	return out, nil
}

// dropped lists the versions stored here that the server's chain lacks.
func (r *received) dropped() []string {
	in := make(map[string]bool, len(r.ordered))
	for _, v := range r.ordered {
		in[v.SHA256] = true
	}
	var out []string
	for sum, name := range r.names {
		if !in[sum] {
			out = append(out, name)
		}
	}
	return out
}
