package vpn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/notify"
)

// notifyTimeout bounds the failure notification, which is sent even when
// the run was cancelled.
const notifyTimeout = 30 * time.Second

// Job is one run of update-vpn.
type Job struct {
	// LastPath is last.json, the newest version the poller stored.
	LastPath  string
	Interface Interface
	// Admin is vpn_admin_ip and vpn_admin_public_key.
	Admin     Entry
	Installer *Installer
	Notifier  notify.Notifier
	Log       *slog.Logger
	// Host names the gateway in notifications.
	Host string
}

// ErrNoDataDir means the folder that should hold last.json is not there.
var ErrNoDataDir = errors.New("data folder does not exist")

// Run builds the file from last.json and installs it. A missing or
// unreadable last.json is logged and gives a file with the admin alone,
// but a missing data folder is a mistake in where to look, not an empty
// chain: it stops the run before anything is written. A failure is sent
// to Telegram and returned.
func (j *Job) Run(ctx context.Context) error {
	if err := j.checkDataDir(); err != nil {
		j.notify(ctx, err)
		return err
	}
	peers, dropped, err := Peers(j.Admin, j.entries())
	if err != nil {
		return err
	}
	for _, d := range dropped {
		j.Log.Warn("vpn entry left out", logkey.Account, d.Account, logkey.Path, d.Path,
			logkey.Err, d.Reason)
	}
	changed, err := j.Installer.Install(ctx, Render(j.Interface, peers))
	if err != nil {
		j.notify(ctx, err)
		return err
	}
	if !changed {
		j.Log.Info("wireguard config unchanged, not reloaded", logkey.Path, j.Installer.Path)
		return nil
	}
	j.Log.Info("wireguard config installed and reloaded", logkey.Path, j.Installer.Path,
		logkey.Count, len(peers))
	return nil
}

// checkDataDir returns ErrNoDataDir when the folder of LastPath is
// missing or is not a folder.
func (j *Job) checkDataDir() error {
	dir := filepath.Dir(j.LastPath)
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%s: %w", dir, ErrNoDataDir)
	case err != nil:
		return fmt.Errorf("data folder: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("%s is not a folder: %w", dir, ErrNoDataDir)
	}
	return nil
}

// entries reads last.json; every failure leaves the admin alone in the
// file rather than stopping the run.
func (j *Job) entries() []Entry {
	data, err := os.ReadFile(j.LastPath)
	if errors.Is(err, fs.ErrNotExist) {
		j.Log.Warn("no last.json yet: the file gets the admin alone", logkey.Path, j.LastPath)
		return nil
	}
	if err != nil {
		j.Log.Error("read last.json: the file gets the admin alone", logkey.Path, j.LastPath,
			logkey.Err, err)
		return nil
	}
	entries, err := Entries(data)
	if err != nil {
		j.Log.Warn("last.json has problems: each vpn entry is checked on its own",
			logkey.Path, j.LastPath, logkey.Err, err)
	}
	return entries
}

func (j *Job) notify(ctx context.Context, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), notifyTimeout)
	defer cancel()
	j.Notifier.Notify(ctx, fmt.Sprintf("resident update-vpn on %s failed: %v", j.Host, err))
}
