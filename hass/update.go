package hass

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/logkey"
)

// ErrKeptChanging is returned when the automations file changed under
// every attempt to replace it.
var ErrKeptChanging = errors.New("the file kept changing while it was being updated")

// Defaults of an Updater's limits.
const (
	DefaultAttempts     = 5
	DefaultConfirmTries = 6
	DefaultConfirmWait  = 2 * time.Second
)

// Updater writes the door map into the automations file and makes Home
// Assistant use it.
type Updater struct {
	Path  string // automations.yaml
	Alias string // the automation's alias
	HA    Reloader
	Log   *slog.Logger
	// Attempts bounds how often the file is read again after someone else
	// (Home Assistant's editor) saved it between our read and our write;
	// 0 means DefaultAttempts.
	Attempts int
	// ConfirmTries and ConfirmWait bound the wait for the automation's
	// entity after a reload, as Home Assistant may still be setting it up;
	// 0 means DefaultConfirmTries and DefaultConfirmWait.
	ConfirmTries int
	ConfirmWait  time.Duration
	// BeforeWrite, when set, runs once the file is known to need a change
	// and before it is written.
	BeforeWrite func()
	// readFile reads the automations file; tests replace it to play an
	// editor that saves between the read and the write.
	readFile func(string) ([]byte, error)
}

// Write puts m into the file. It returns the content the file now holds
// and whether it was rewritten. A file that changes between the read and
// the write is read again and patched anew, never overwritten.
func (u *Updater) Write(m []Pair) (content []byte, changed bool, err error) {
	read := u.readFile
	if read == nil {
		read = os.ReadFile
	}
	attempts := u.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	for range attempts {
		src, err := read(u.Path)
		if err != nil {
			return nil, false, fmt.Errorf("read automations file: %w", err)
		}
		out, changed, err := Patch(src, u.Alias, m)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", u.Path, err)
		}
		if !changed {
			return src, false, nil
		}
		if u.BeforeWrite != nil {
			u.BeforeWrite()
		}
		_, err = atomicfile.WriteFile(u.Path, out, atomicfile.Options{KeepOwner: true, Expect: src})
		if errors.Is(err, atomicfile.ErrChanged) {
			u.logger().Info("automations file changed while it was patched; patching the new content",
				logkey.Path, u.Path)
			continue
		}
		if err != nil {
			return nil, false, fmt.Errorf("write automations file: %w", err)
		}
		return out, true, nil
	}
	return nil, false, fmt.Errorf("%s: %w", u.Path, ErrKeptChanging)
}

// Reload asks Home Assistant to reload its automations and waits until
// the automation in content is there and not unavailable: a reload that
// answers 200 can still have dropped an automation whose config is bad.
func (u *Updater) Reload(ctx context.Context, content []byte) error {
	a, err := Inspect(content, u.Alias)
	if err != nil {
		return fmt.Errorf("%s: %w", u.Path, err)
	}
	if err := u.HA.Reload(ctx); err != nil {
		return fmt.Errorf("reload automations: %w", err)
	}
	tries := u.ConfirmTries
	if tries <= 0 {
		tries = DefaultConfirmTries
	}
	wait := u.ConfirmWait
	if wait <= 0 {
		wait = DefaultConfirmWait
	}
	for i := 1; ; i++ {
		err = u.confirm(ctx, a)
		if err == nil || i == tries || !retryable(err) {
			return err
		}
		u.logger().Debug("automation not live yet", logkey.Err, err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (gave up waiting: %v)", err, ctx.Err())
		case <-time.After(wait):
		}
	}
}

// confirm checks the automation's entity once.
func (u *Updater) confirm(ctx context.Context, a Automation) error {
	state, err := u.HA.AutomationState(ctx, a)
	which := fmt.Sprintf("automation %q", a.Alias)
	if a.ID != "" {
		which = fmt.Sprintf("automation %q (id %s)", a.Alias, a.ID)
	}
	switch {
	case errors.Is(err, ErrEntityMissing):
		return fmt.Errorf("%s: %w", which, &missingError{a: a})
	case err != nil:
		return fmt.Errorf("check the automation: %w", err)
	case state == "unavailable":
		return fmt.Errorf("%s: %w", which, ErrEntityUnavailable)
	}
	return nil
}

// missingError says what was looked for in /api/states and not found:
// the entity may well exist under another id. It matches ErrEntityMissing.
type missingError struct{ a Automation }

func (e *missingError) Error() string {
	if e.a.ID == "" {
		return fmt.Sprintf("no automation entity in %s has attributes.friendly_name %q",
			StatesPath, e.a.Alias)
	}
	return fmt.Sprintf("no automation entity in %s has attributes.id %q", StatesPath, e.a.ID)
}

func (e *missingError) Unwrap() error { return ErrEntityMissing }

// retryable tells whether waiting may help: the entity may still be set
// up, or Home Assistant briefly busy; a refusal will not change.
func retryable(err error) bool {
	return errors.Is(err, ErrEntityMissing) || errors.Is(err, ErrEntityUnavailable) ||
		errors.Is(err, ErrUnreachable)
}

func (u *Updater) logger() *slog.Logger {
	if u.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return u.Log
}
