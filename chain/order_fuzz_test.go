package chain_test

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/xecut/resident/chain"
)

// fuzzVersions turns fuzz bytes into up to 16 versions whose links, times
// and duplicates the bytes choose: two bytes per version, the first
// picking what it links to (the start, any version, itself included, or
// a hash nobody has), the second its time and whether it repeats the
// version before.
func fuzzVersions(data []byte) []chain.Version {
	n := min(len(data)/2, 16)
	sums := make([]string, n)
	for i := range sums {
		sums[i] = fmt.Sprintf("%064x", i+1)
	}
	vs := make([]chain.Version, 0, n)
	for i := range n {
		link, meta := int(data[2*i]), data[2*i+1]
		if meta&0x80 != 0 && i > 0 {
			vs = append(vs, vs[len(vs)-1])
			continue
		}
		last := chain.ZeroHash
		switch pick := link % (n + 2); {
		case pick == n+1:
			last = fmt.Sprintf("%064x", 0xdead)
		case pick > 0:
			last = sums[pick-1]
		}
		t := 1700000000 + int64(meta&0x7)
		vs = append(vs, chain.Version{Name: chain.FileName(t, sums[i]), Unixtime: t,
			SHA256: sums[i], Last: last})
	}
	return vs
}

// linear tells, the slow and obvious way, whether vs form one chain from
// the start: every link known, no version with two successors, none
// repeated, and a walk from the start reaching them all.
func linear(vs []chain.Version) bool {
	children := map[string]int{}
	known := map[string]bool{}
	for _, v := range vs {
		if known[v.SHA256] {
			return false
		}
		known[v.SHA256] = true
	}
	for _, v := range vs {
		if v.Last != chain.ZeroHash && !known[v.Last] {
			return false
		}
		children[v.Last]++
		if children[v.Last] > 1 {
			return false
		}
	}
	reached, at := 0, chain.ZeroHash
	for children[at] == 1 && reached <= len(vs) {
		for _, v := range vs {
			if v.Last == at {
				at = v.SHA256
				break
			}
		}
		reached++
	}
	return reached == len(vs)
}

// FuzzOrder checks the chain verifier on fuzzed link structures: it
// accepts exactly the linear chains, returns them in link order, names an
// input file when it refuses, and does not depend on the input order.
func FuzzOrder(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{0, 0, 1, 0, 2, 0, 3, 0}) // a chain of four
	f.Add([]byte{0, 0, 1, 0, 1, 0})       // a fork
	f.Add([]byte{0, 0, 3, 0, 2, 0})       // a loop off the chain
	f.Add([]byte{0, 0, 1, 0, 1, 0x80})    // a repeated version
	f.Add([]byte{4, 0, 0, 0, 1, 0, 9, 9}) // an unknown link
	f.Add([]byte{2, 5, 0, 5, 1, 5, 3, 5}) // one unixtime, links out of order
	f.Fuzz(func(t *testing.T, data []byte) {
		vs := fuzzVersions(data)
		ordered, err := chain.Order(vs)
		if want := linear(vs); (err == nil) != want {
			t.Fatalf("Order(%v) = %v, want sound %v", vs, err, want)
		}
		rev := slices.Clone(vs)
		slices.Reverse(rev)
		again, err2 := chain.Order(rev)
		if fmt.Sprint(again, err2) != fmt.Sprint(ordered, err) {
			t.Fatalf("Order depends on the input order: %v %v, then %v %v", ordered, err, again, err2)
		}
		if err != nil {
			var p *chain.Problem
			named := func(v chain.Version) bool { return v.Name == p.File }
			if !errors.As(err, &p) || !slices.ContainsFunc(vs, named) {
				t.Fatalf("Order(%v) = %v, want a problem naming one of the files", vs, err)
			}
			return
		}
		if len(ordered) != len(vs) {
			t.Fatalf("Order returned %d of %d versions", len(ordered), len(vs))
		}
		last := chain.ZeroHash
		for _, v := range ordered {
			if v.Last != last {
				t.Fatalf("Order(%v) = %v: %s does not link to the one before", vs, ordered, v.Name)
			}
			last = v.SHA256
		}
	})
}
