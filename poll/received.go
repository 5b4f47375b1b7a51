package poll

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// received is what a full check got from /dump and what it found.
type received struct {
	stg   *staging
	names map[string]string // versions stored here, by hash
	recv  []chain.Version   // in the server's order
	// ordered is the server's chain in order when it is sound in itself,
	// starting at its first version (whole) or at the local head.
	ordered []chain.Version
	whole   bool
	headDoc *model.Document
	// problem is the first reason the transition does not verify.
	problem error
}

// read reads a dump, checks every version against its name and stages the
// ones not stored here yet. A version that does not match its name is a
// problem; a transport failure or an over-large answer is the error.
func (r *received) read(rd io.Reader) error {
	w := newLimitReader(rd, limits.entry, "a dump entry")
	err := chain.ReadDump(w, func(name string, data []byte) error {
		w.reset()
		if int64(len(data)) > limits.version {
			return fmt.Errorf("%s is over %d bytes: %w", name, limits.version, errTooLarge)
		}
		v, err := chain.ReadVersion(name, data)
		if err != nil {
			return err
		}
		if _, ok := r.names[v.SHA256]; !ok {
			if err := r.stg.put(name, data); err != nil {
				return err
			}
		}
		r.recv = append(r.recv, v)
		return nil
	})
	var prob *chain.Problem
	if errors.As(err, &prob) {
		r.problem = prob
		return nil
	}
	return err
}

// verify orders what was received, checks that it continues the local
// chain, holds the head /accounts served, and ends in a head the model
// accepts.
func (r *received) verify(localHead chain.Version, serverHead string) {
	if r.problem != nil {
		return
	}
	r.ordered, r.problem = r.link(localHead)
	if r.problem == nil {
		r.problem = r.holds(serverHead)
	}
	if r.ordered == nil || len(r.ordered) == 0 {
		return
	}
	data, err := r.headBytes()
	if err != nil {
		r.problem = errors.Join(r.problem, err)
		return
	}
	doc, perr := model.Parse(data)
	r.headDoc = doc
	if perr != nil && r.problem == nil {
		r.problem = fmt.Errorf("the new head %s: %w", r.ordered[len(r.ordered)-1].Name, perr)
	}
}

// link orders the versions received and checks that they continue the
// local chain. A server that honoured ?since= sent only what follows the
// local head; one that ignored it sent the whole chain, which must then
// start with exactly the versions stored here. On a problem with the local
// copy only, the server's chain is still returned, for a lenient adoption.
func (r *received) link(head chain.Version) ([]chain.Version, error) {
	r.whole = head.SHA256 == ""
	for _, v := range r.recv {
		r.whole = r.whole || v.SHA256 == head.SHA256 || v.Last == chain.ZeroHash
	}
	if !r.whole {
		root := chain.Version{Name: head.Name, SHA256: head.SHA256, Last: chain.ZeroHash}
		return chain.Order(append(r.recv, root))
	}
	ordered, err := chain.Order(r.recv)
	if err != nil {
		return nil, err
	}
	return ordered, coversLocal(head, ordered, r.names)
}

// coversLocal checks that the whole chain ordered holds the local head,
// every version up to it and nothing else of what is stored here.
func coversLocal(head chain.Version, ordered []chain.Version, names map[string]string) error {
	in := make(map[string]bool, len(ordered))
	reached := head.SHA256 == ""
	for i, v := range ordered {
		in[v.SHA256] = true
		if reached {
			continue
		}
		if _, ok := names[v.SHA256]; !ok {
			return &chain.Problem{File: v.Name, Kind: chain.KindNotExtending,
				Detail: fmt.Sprintf("version %d of the server's chain is not in the local copy",
					i+1)}
		}
		reached = v.SHA256 == head.SHA256
	}
	if !reached {
		return &chain.Problem{File: head.Name, Kind: chain.KindNotExtending,
			Detail: "the local head is not in the server's chain"}
	}
	for sum, name := range names {
		if !in[sum] {
			return &chain.Problem{File: name, Kind: chain.KindNotExtending,
				Detail: "stored here but not in the server's chain"}
		}
	}
	return nil
}

// holds checks that the head /accounts served is in the chain /dump
// served; a write between the two requests can make it an older one.
func (r *received) holds(serverHead string) error {
	for _, v := range r.ordered {
		if v.SHA256 == serverHead {
			return nil
		}
	}
	return &chain.Problem{File: "(server)", Kind: chain.KindNotExtending,
		Detail: "the head served at /accounts, " + chain.Short(serverHead) +
			", is not in the chain served at /dump"}
}

// fresh lists the staged versions of the chain, in order.
func (r *received) fresh() []string {
	var out []string
	for _, v := range r.ordered {
		if _, ok := r.stg.files[v.Name]; ok {
			out = append(out, v.Name)
		}
	}
	return out
}

// headBytes reads the newest version of the chain, from the staging
// folder or from the local copy.
func (r *received) headBytes() ([]byte, error) {
	v := r.ordered[len(r.ordered)-1]
	if _, ok := r.stg.files[v.Name]; ok {
		return r.stg.read(v.Name)
	}
	return os.ReadFile(filepath.Join(filepath.Dir(r.stg.dir), r.names[v.SHA256]))
}
