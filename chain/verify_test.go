package chain_test

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/internal/testenv"
)

func versionsOf(tb testing.TB, files []file) []chain.Version {
	tb.Helper()
	vs := make([]chain.Version, len(files))
	for i, f := range files {
		vs[i] = describe(tb, f)
	}
	return vs
}

func TestOrder(t *testing.T) {
	c := makeChain(6, 1700000000)
	vs := versionsOf(t, c)
	shuffled := slices.Clone(vs)
	rand.New(rand.NewSource(1)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	reversed := slices.Clone(vs)
	slices.Reverse(reversed)
	for _, tt := range []struct {
		name  string
		input []chain.Version
	}{{"in order", vs}, {"shuffled", shuffled}, {"reversed", reversed}} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := chain.Order(tt.input)
			if err != nil {
				t.Fatalf("Order(%v) = %v", names(tt.input), err)
			}
			if diff := cmp.Diff(vs, got); diff != "" {
				t.Errorf("Order(%v) (-want +got):\n%s", names(tt.input), diff)
			}
		})
	}
	got, err := chain.Order(nil)
	if err != nil || len(got) != 0 {
		t.Errorf("Order(nil) = %v, %v, want an empty chain", got, err)
	}
}

// sameTime builds a chain of n versions that all carry one unixtime, as
// the Python service wrote them, choosing contents until the order of the
// names differs from the order of the links.
func sameTime(tb testing.TB, n int) []file {
	tb.Helper()
	for salt := 0; salt < 100; salt++ {
		files := make([]file, n)
		last := chain.ZeroHash
		for i := range files {
			files[i] = makeVersion(1700000000, last, fmt.Sprintf("member %d/%d", i, salt))
			last = chain.Sum(files[i].data)
		}
		if !slices.IsSorted(fileNames(files)) {
			return files
		}
	}
	tb.Fatal("no salt gave names out of link order")
	return nil
}

func TestOrderSharedUnixtime(t *testing.T) {
	files := sameTime(t, 5)
	vs := versionsOf(t, files)
	shuffled := slices.Clone(vs)
	slices.SortFunc(shuffled, func(a, b chain.Version) int { return strings.Compare(b.Name, a.Name) })
	got, err := chain.Order(shuffled)
	if err != nil {
		t.Fatalf("Order(%v) = %v", names(shuffled), err)
	}
	if diff := cmp.Diff(fileNames(files), names(got)); diff != "" {
		t.Errorf("Order follows names, not links (-want +got):\n%s", diff)
	}
}

func TestOrderProblems(t *testing.T) {
	c := makeChain(4, 1700000000)
	other := makeChain(2, 1600000000)
	forkMiddle := makeVersion(1700000009, chain.Sum(c[1].data), "someone else")
	stray := makeVersion(1700000010, sumA, "stray")
	tests := []struct {
		name     string
		input    []file
		wantFile string
		wantKind string
		wantMsg  string
	}{
		{"broken link", []file{c[0], c[1], c[3]}, c[3].name, chain.KindBrokenLink,
			"links to " + chain.Sum(c[2].data)[:12] + ", which is not in the chain"},
		{"no first version",
			[]file{c[1], c[2], c[3]}, c[1].name, chain.KindBrokenLink, "not in the chain"},
		{"link to an unknown hash",
			append(c[:4:4], stray), stray.name, chain.KindBrokenLink, sumA[:12]},
		{"fork at the start", append(c[:4:4], other[0]), c[0].name, chain.KindFork,
			other[0].name + " and " + c[0].name + " all follow the start of the chain"},
		{"fork in the middle", append(c[:4:4], forkMiddle), forkMiddle.name, chain.KindFork,
			"follow version " + chain.Sum(c[1].data)[:12]},
		{"a version twice",
			[]file{c[0], c[1], c[1]}, c[1].name, chain.KindFork, c[1].name + " and " + c[1].name},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs := versionsOf(t, tt.input)
			_, err := chain.Order(vs)
			checkProblem(t, err, tt.wantFile, tt.wantKind, tt.wantMsg)
			slices.Reverse(vs)
			_, again := chain.Order(vs)
			if fmt.Sprint(err) != fmt.Sprint(again) {
				t.Errorf("Order depends on input order: %v, then %v", err, again)
			}
		})
	}
}

// Two heads without a fork can't be made from real files (it would take a
// loop of hashes), but Order must still not accept such a set of versions.
func TestOrderTwoHeads(t *testing.T) {
	hash := func(c byte) string { return fmt.Sprintf("%064x", c) }
	vs := []chain.Version{
		{Name: "1-a.json", SHA256: hash(1), Last: chain.ZeroHash},
		{Name: "2-b.json", SHA256: hash(2), Last: hash(3)},
		{Name: "3-c.json", SHA256: hash(3), Last: hash(2)},
	}
	_, err := chain.Order(vs)
	checkProblem(t, err, "2-b.json", chain.KindTwoHeads, "not reachable from the first version")
}

func TestExtends(t *testing.T) {
	vs := versionsOf(t, makeChain(4, 1700000000))
	other := versionsOf(t, makeChain(4, 1600000000))
	tests := []struct {
		name       string
		local, got []chain.Version
		wantFile   string
		wantMsg    string
	}{
		{"nothing local", nil, vs, "", ""},
		{"same", vs, vs, "", ""},
		{"grown", vs[:2], vs, "", ""},
		{"both empty", nil, nil, "", ""},
		{"rolled back",
			vs, vs[:3], "(server)", "the server has 3 versions, fewer than the 4 kept here"},
		{"other history", vs[:2], other, other[0].Name, "version 1 is"},
		{"changed in the middle",
			vs, append(vs[:2:2], other[2:]...), other[2].Name, "version 3 is"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := chain.Extends(tt.local, tt.got)
			if tt.wantMsg == "" {
				if err != nil {
					t.Errorf("Extends(%v, %v) = %v, want nil", names(tt.local), names(tt.got), err)
				}
				return
			}
			checkProblem(t, err, tt.wantFile, chain.KindNotExtending, tt.wantMsg)
		})
	}
}

func TestOrderLegacyShuffled(t *testing.T) {
	dir := testenv.LegacyCopy(t)
	want, err := chain.LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	shuffled := slices.Clone(want)
	rand.New(rand.NewSource(7)).Shuffle(len(shuffled), func(i, j int) {
		shuffled[i], shuffled[j] = shuffled[j], shuffled[i]
	})
	got, err := chain.Order(shuffled)
	if err != nil {
		t.Fatalf("Order(shuffled legacy) = %v", err)
	}
	if diff := cmp.Diff(names(want), names(got)); diff != "" {
		t.Errorf("Order(shuffled legacy) (-want +got):\n%s", diff)
	}
}
