// Package demo writes a made-up but realistic data folder: a chain of
// versions with Serbian names, Telegram handles, door code prefixes, VPN
// peers, SSH keys and fee payments, changing a little from version to
// version. The same options always give the same files, so the project's
// demo folder can be checked against its generator, and large folders can
// be made for benchmarks.
package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// Options say how much to make up.
type Options struct {
	// Accounts is how many accounts the last version holds.
	Accounts int
	// Versions is how many versions the chain has.
	Versions int
	// Seed picks the made-up data.
	Seed uint64
}

// DefaultOptions make the project's testdata/demo-data folder.
var DefaultOptions = Options{Accounts: 20, Versions: 40, Seed: 2}

// The history spans this period, whatever its length, so that the demo's
// head is never in the future.
var (
	historyStart = time.Date(2025, 1, 6, 9, 0, 0, 0, time.UTC)
	historyEnd   = time.Date(2025, 12, 1, 18, 0, 0, 0, time.UTC)
)

// Write writes the versions into dir, which must hold none yet. It keeps
// only the newest version in memory, so a long history costs disk, not RAM.
func Write(dir string, opts Options) (head chain.Version, err error) {
	if opts.Accounts < 1 || opts.Versions < 1 {
		return head, errors.New("demo: need at least one account and one version")
	}
	if err := checkEmpty(dir); err != nil {
		return head, err
	}
	h := newHistory(opts)
	last := chain.ZeroHash
	for i := range opts.Versions {
		t := h.step(i)
		data := model.Marshal(model.Document{
			Meta:     model.Meta{Unixtime: t.Unix(), LastSHA256: last},
			Accounts: h.accounts,
		})
		sum := chain.Sum(data)
		head = chain.Version{Name: chain.FileName(t.Unix(), sum), Unixtime: t.Unix(),
			SHA256: sum, Last: last, Size: int64(len(data))}
		path := filepath.Join(dir, head.Name)
		opt := atomicfile.Options{ExpectAbsent: true, NoSync: true}
		if _, err := atomicfile.WriteFile(path, data, opt); err != nil {
			return head, fmt.Errorf("write version %d: %w", i+1, err)
		}
		last = sum
	}
	// One sync for the whole folder: a sync per version would make a
	// benchmark's ten thousand versions take most of an hour.
	return head, syncAll(dir)
}

// syncAll makes the written versions durable at once.
func syncAll(dir string) error {
	syscall.Sync()
	return atomicfile.SyncDir(dir)
}

func checkEmpty(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("read %s: %w", dir, err)
	}
	for _, e := range entries {
		if chain.IsCandidate(e.Name()) {
			return fmt.Errorf("%s already holds versions (%s): use an empty folder", dir, e.Name())
		}
	}
	return nil
}

// history is the chain being made up: the accounts of the newest version
// and what is left to add.
type history struct {
	r        *rand.Rand
	p        *people
	opts     Options
	accounts []model.Account
	toAdd    int
	now      time.Time
	gap      time.Duration
}

func newHistory(opts Options) *history {
	r := rand.New(rand.NewPCG(opts.Seed, 0x7265736964656e74)) // "resident"
	h := &history{r: r, p: newPeople(r), opts: opts, now: historyStart}
	h.gap = historyEnd.Sub(historyStart) / time.Duration(opts.Versions)
	// A third of the versions each bring a newcomer; the rest start out.
	h.toAdd = min(opts.Accounts-1, (opts.Versions-1)/3)
	for range opts.Accounts - h.toAdd {
		h.accounts = append(h.accounts, h.p.account(h.now))
	}
	return h
}

// step moves to version i and returns its time; version 0 is the
// starting set of accounts.
func (h *history) step(i int) time.Time {
	if i == 0 {
		return h.now
	}
	h.now = h.now.Add(time.Second + time.Duration(h.r.Int64N(int64(2*h.gap))))
	left := h.opts.Versions - i
	if h.toAdd > 0 && h.r.IntN(left) < h.toAdd {
		h.accounts = append(h.accounts, h.p.account(h.now))
		h.toAdd--
		return h.now
	}
	// One or two accounts change, never the same one twice, so that two
	// edits cannot cancel out and every version differs from the last.
	n := len(h.accounts)
	first := h.r.IntN(n)
	h.change(first)
	if n > 1 && h.r.IntN(2) == 0 {
		h.change((first + 1 + h.r.IntN(n-1)) % n)
	}
	return h.now
}

// change makes one of the edits people make to account i, always a real
// change: a fee paid, residency won or lost, a new key, a new or dropped
// VPN peer, a handle set.
func (h *history) change(i int) {
	a := h.accounts[i]
	first := strings.Fields(a.Username)[0]
	switch h.r.IntN(10) {
	case 0, 1, 2, 3:
		h.p.addPayment(&a, h.now)
	case 4:
		a.Resident = !a.Resident
	case 5:
		h.p.addSSHKey(&a, first)
	case 6, 7:
		switch {
		case len(a.VPN) > 0 && (len(h.p.freeIPs) == 0 || h.r.IntN(2) == 0):
			h.p.removeVPN(&a)
		case len(h.p.freeIPs) > 0:
			h.p.addVPN(&a)
		default:
			h.p.addPayment(&a, h.now)
		}
	case 8:
		if a.OTPPrefix == nil {
			a.OTPPrefix = h.p.otpPrefix()
		} else {
			h.p.addPayment(&a, h.now)
		}
	case 9:
		if a.Telegram == nil {
			a.Telegram = h.p.telegram(first)
		} else {
			a.Decentrala = !a.Decentrala
		}
	}
	h.accounts[i] = a
}
