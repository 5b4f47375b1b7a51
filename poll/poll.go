// Package poll keeps a consumer's local copy of the account chain: every
// cycle it asks the resident service for its head, verifies what changed
// against the copy, stores it, runs the consumer's update command and tells
// the admins on Telegram about the outcomes that matter.
package poll

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"

	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/notify"
)

// ErrBusy means another cycle holds the data folder.
var ErrBusy = errors.New("another poll cycle is running on this data folder")

// ErrChain means the server's chain failed the check in strict mode:
// nothing was stored and nothing was run.
var ErrChain = errors.New("the server's chain failed validation")

// Options configure a Poller.
type Options struct {
	URL           string // the service's base URL, or its /accounts URL
	APIKey        string
	Strict        bool
	Command       string // run through sh -c after a change; may be empty
	CheckTimeout  time.Duration
	UpdateTimeout time.Duration
	Dir           string // the local copy
	Notifier      notify.Notifier
	Log           *slog.Logger
	// HTTP is the client for the service; nil means a default one. Time
	// limits come from CheckTimeout, not from the client.
	HTTP *http.Client
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Poller runs cycles on one local copy.
type Poller struct {
	opt    Options
	dir    string
	client *client
	log    *slog.Logger
	host   string
	mu     sync.Mutex // one cycle at a time within the process
}

// New checks the options and returns a Poller.
func New(opt Options) (*Poller, error) {
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	if opt.HTTP == nil {
		opt.HTTP = &http.Client{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Notifier == nil {
		opt.Notifier = notify.Nop{}
	}
	host, _ := os.Hostname()
	return &Poller{
		opt:    opt,
		dir:    dir,
		client: &client{base: baseURL(opt.URL), key: opt.APIKey, http: opt.HTTP},
		log:    opt.Log.With(logkey.Component, "poll"),
		host:   host,
	}, nil
}

// Run starts a cycle now and then every interval until ctx ends. A tick
// that comes while a cycle still runs is skipped. It returns once the
// last cycle has finished.
func (p *Poller) Run(ctx context.Context, interval time.Duration) {
	var running atomic.Bool
	var wg sync.WaitGroup
	start := func() {
		if !running.CompareAndSwap(false, true) {
			p.log.Warn("previous cycle still running, skipping this one")
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer running.Store(false)
			p.Cycle(ctx)
		}()
	}
	start()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			wg.Wait()
			return
		case <-t.C:
			start()
		}
	}
}

// Cycle checks the server once, applies what changed and runs the update
// command when it is due. Its error, already logged, tells --once how to
// exit. A panic is recovered and returned as an error.
func (p *Poller) Cycle(ctx context.Context) (err error) {
	if !p.mu.TryLock() {
		return ErrBusy
	}
	defer p.mu.Unlock()
	start := p.opt.Now()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cycle panicked: %v", r)
			p.log.Error("cycle panicked", logkey.Err, err, "stack", string(debug.Stack()))
			return
		}
		p.logEnd(err, start)
	}()
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	lock := flock.New(filepath.Join(p.dir, LockFile))
	ok, err := lock.TryLock()
	if err != nil {
		return fmt.Errorf("lock data folder: %w", err)
	}
	if !ok {
		return ErrBusy
	}
	defer lock.Unlock()
	return p.cycle(ctx)
}

func (p *Poller) cycle(ctx context.Context) error {
	st, err := loadState(p.dir)
	if err != nil {
		return err
	}
	out, cerr := p.check(ctx, &st)
	if cerr == nil {
		p.report(ctx, &st, out)
	}
	if err := saveState(p.dir, st); err != nil {
		return errors.Join(cerr, err)
	}
	if out.kind == failed {
		return errors.Join(ErrChain, out.problem)
	}
	uerr := p.update(ctx, &st)
	if err := saveState(p.dir, st); err != nil {
		uerr = errors.Join(uerr, err)
	}
	return errors.Join(cerr, uerr)
}

func (p *Poller) logEnd(err error, start time.Time) {
	d := p.opt.Now().Sub(start).Round(time.Millisecond)
	switch {
	case err == nil:
		p.log.Debug("cycle done", logkey.Duration, d)
	case errors.Is(err, ErrBusy):
		p.log.Warn("cycle skipped", logkey.Err, err)
	default:
		p.log.Error("cycle failed", logkey.Err, err, logkey.Duration, d)
	}
}

// notify bounds one notification by the check limit, so that a 429
// from Telegram can be waited out but never holds a cycle for long.
func (p *Poller) notify(ctx context.Context, text string) {
	ctx, cancel := context.WithTimeout(ctx, p.opt.CheckTimeout)
	defer cancel()
	p.opt.Notifier.Notify(ctx, text)
}
