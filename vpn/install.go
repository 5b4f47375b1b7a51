package vpn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/logkey"
)

// TempPattern names the new file while it is checked. wg-quick takes the
// interface name from the file name and allows at most 15 characters:
// "wgnew" and os.CreateTemp's random part (up to 10 digits) fit.
const TempPattern = "wgnew*.conf"

// Installer replaces the installed config and reloads the interface,
// going back to the previous file when either step fails.
type Installer struct {
	Path string
	// Checker, when not nil, vets the new file before it replaces the
	// installed one.
	Checker  Checker
	Reloader Reloader
	Log      *slog.Logger
}

// Install puts data at Path and reloads. It does nothing and returns false
// when Path already holds exactly data. When the check fails nothing is
// replaced and nothing is reloaded. When the reload fails the previous
// file is written back and reloaded; with no previous file the new one
// stays, since it passed the check and is needed to bring the interface
// up at all. The error says what failed and what state was left.
func (in *Installer) Install(ctx context.Context, data []byte) (changed bool, err error) {
	prev, err := os.ReadFile(in.Path)
	hadPrev := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", in.Path, err)
	}
	if hadPrev && bytes.Equal(prev, data) {
		return false, nil
	}
	opt := atomicfile.Options{Perm: 0o600, TempPattern: TempPattern, Expect: prev, ExpectAbsent: !hadPrev}
	if in.Checker != nil {
		opt.Check = func(tmp string) error { return in.check(ctx, tmp) }
	}
	renamed, err := atomicfile.WriteFile(in.Path, data, opt)
	if !renamed && err == nil {
		return false, nil // someone wrote the same bytes meanwhile
	}
	if !renamed {
		return false, fmt.Errorf("install %s: %w; the installed file was not changed", in.Path, err)
	}
	if err != nil {
		in.Log.Warn("new config is in place but may not survive a crash", logkey.Err, err)
	}
	if err := in.Reloader.Reload(ctx); err != nil {
		return true, in.restore(ctx, fmt.Errorf("reload: %w", err), prev, hadPrev, data)
	}
	return true, nil
}

func (in *Installer) check(ctx context.Context, tmp string) error {
	if err := in.Checker.Check(ctx, tmp); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	return nil
}

// restore writes prev back in place of installed and reloads again. It
// goes on when ctx is cancelled (a signal arrived during the reload):
// leaving a file the interface refused is worse than finishing.
func (in *Installer) restore(ctx context.Context, cause error, prev []byte, hadPrev bool,
	installed []byte) error {
	ctx = context.WithoutCancel(ctx)
	if !hadPrev {
		return fmt.Errorf("%w; there was no previous file, so the new one stays in %s", cause, in.Path)
	}
	opt := atomicfile.Options{Perm: 0o600, TempPattern: TempPattern, Expect: installed}
	if _, err := atomicfile.WriteFile(in.Path, prev, opt); err != nil {
		return fmt.Errorf("%w; putting the previous file back failed too: %v", cause, err)
	}
	in.Log.Info("previous config restored", logkey.Path, in.Path)
	if err := in.Reloader.Reload(ctx); err != nil {
		return fmt.Errorf("%w; the previous file is back but reloading it failed too: %v", cause, err)
	}
	return fmt.Errorf("%w; the previous file is back in place and reloaded", cause)
}
