package chain

import (
	"fmt"
	"slices"
	"strings"
)

// Kinds of Problem, as verify-chain prints them.
const (
	KindBadName      = "bad name"
	KindHashMismatch = "hash mismatch"
	KindUnreadable   = "unreadable JSON"
	KindBadMeta      = "bad meta"
	KindBrokenLink   = "broken link"
	KindFork         = "fork"
	KindTwoHeads     = "two heads"
	KindNotExtending = "not extending"
	KindUnreadFile   = "unreadable file"
)

// Problem is the first thing wrong with a chain: which file, what kind of
// fault, and the detail a person needs to find it.
type Problem struct {
	File   string
	Kind   string
	Detail string
}

func (p *Problem) Error() string {
	return fmt.Sprintf("%s: %s: %s", p.File, p.Kind, p.Detail)
}

// Order puts versions into chain order by following their links from the
// first version, which links to ZeroHash. Names and times play no part:
// the earlier implementation wrote versions that share a unixtime. It
// returns the first problem found; a chain with no versions is sound.
func Order(vs []Version) ([]Version, error) {
	sorted := slices.Clone(vs)
	slices.SortFunc(sorted, func(a, b Version) int { return strings.Compare(a.Name, b.Name) })
	known := make(map[string]bool, len(sorted))
	for _, v := range sorted {
		known[v.SHA256] = true
	}
	next := make(map[string][]Version, len(sorted))
	for _, v := range sorted {
		if v.Last != ZeroHash && !known[v.Last] {
			return nil, &Problem{File: v.Name, Kind: KindBrokenLink,
				Detail: "links to " + Short(v.Last) + ", which is not in the chain"}
		}
		next[v.Last] = append(next[v.Last], v)
	}
	ordered := make([]Version, 0, len(sorted))
	for at := ZeroHash; ; {
		children := next[at]
		if len(children) == 0 {
			break
		}
		if len(children) > 1 {
			return nil, forkProblem(at, children)
		}
		ordered = append(ordered, children[0])
		at = children[0].SHA256
	}
	if len(ordered) != len(sorted) {
		// Every link resolves and nothing forks, so what is left over
		// loops back onto itself: a second head with no way to the start.
		reached := make(map[string]bool, len(ordered))
		for _, v := range ordered {
			reached[v.SHA256] = true
		}
		for _, v := range sorted {
			if !reached[v.SHA256] {
				return nil, &Problem{File: v.Name, Kind: KindTwoHeads,
					Detail: "not reachable from the first version"}
			}
		}
	}
	return ordered, nil
}

func forkProblem(at string, children []Version) error {
	names := make([]string, len(children))
	for i, c := range children {
		names[i] = c.Name
	}
	what := "version " + Short(at)
	if at == ZeroHash {
		what = "the start of the chain"
	}
	return &Problem{File: children[1].Name, Kind: KindFork,
		Detail: fmt.Sprintf("%s all follow %s, so the chain has two heads",
			strings.Join(names, " and "), what)}
}

// Extends checks that got, a chain in order, starts with exactly the
// versions of local, also in order: a server's history may grow but never
// change what a consumer has already seen.
func Extends(local, got []Version) error {
	if len(got) < len(local) {
		return &Problem{File: "(server)", Kind: KindNotExtending,
			Detail: fmt.Sprintf("the server has %d versions, fewer than the %d kept here", len(got), len(local))}
	}
	for i, v := range local {
		if got[i].SHA256 != v.SHA256 {
			return &Problem{File: got[i].Name, Kind: KindNotExtending,
				Detail: fmt.Sprintf("version %d is %s on the server but %s here", i+1, Short(got[i].SHA256), Short(v.SHA256))}
		}
	}
	return nil
}

// Short is the first 12 hex digits of a hash: how people and messages
// name a version.
func Short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
