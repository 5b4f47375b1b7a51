package hass

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/xecut/resident/atomicfile"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/notify"
)

// StateFile is the name, in the poller's data folder, of the file where
// update-telegram-ids remembers what must survive a failed run.
const StateFile = ".resident-hass-state.json"

// state is what one run leaves to the next.
type state struct {
	// ReloadOwed is set from before the file is written until Home
	// Assistant has reloaded it, so that a run after a failed reload
	// reloads even though the file is already up to date.
	ReloadOwed bool `json:"reload_owed,omitempty"`
	// Failure is the last failure notified, so that a failure that
	// repeats on every run of the poller is notified once.
	Failure string `json:"failure,omitempty"`
}

// Job is one run of update-telegram-ids.
type Job struct {
	LastPath  string // last.json
	StatePath string // where the state between runs is kept
	Updater   *Updater
	Notifier  notify.Notifier
	Log       *slog.Logger
	// Host names this machine in notifications.
	Host string
}

// Result says what a run did.
type Result struct {
	Entries  int  // codes in the door map
	Changed  bool // the automations file was rewritten
	Reloaded bool // Home Assistant reloaded it and the automation is live
}

// Run builds the door map from last.json, writes it and reloads Home
// Assistant. A failure is notified once until the next success, which is
// notified as a recovery.
func (j *Job) Run(ctx context.Context) (Result, error) {
	st := j.loadState()
	saved := st
	save := func() {
		if st != saved {
			j.saveState(st)
			saved = st
		}
	}
	res, err := j.run(ctx, &st, save)
	j.report(ctx, &st, res, err)
	save()
	return res, err
}

// Refuse reports a failure found before the work could start, such as a
// bad config, the way Run reports its own: notified once per streak.
func (j *Job) Refuse(ctx context.Context, err error) error {
	st := j.loadState()
	saved := st
	j.report(ctx, &st, Result{}, err)
	if st != saved {
		j.saveState(st)
	}
	return err
}

// run does the work; save writes st to disk when it changed.
func (j *Job) run(ctx context.Context, st *state, save func()) (Result, error) {
	data, err := os.ReadFile(j.LastPath)
	if err != nil {
		return Result{}, fmt.Errorf("read last.json: %w", err)
	}
	m, err := BuildMap(data)
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", j.LastPath, err)
	}
	res := Result{Entries: len(m)}
	u := *j.Updater
	u.BeforeWrite = func() {
		st.ReloadOwed = true
		save()
	}
	content, changed, err := u.Write(m)
	if err != nil {
		return res, err
	}
	res.Changed = changed
	if !changed && !st.ReloadOwed {
		j.Log.Info("door map is up to date", logkey.Path, u.Path, logkey.Count, len(m))
		return res, nil
	}
	if changed {
		j.Log.Info("door map written", logkey.Path, u.Path, logkey.Count, len(m))
	}
	if err := u.Reload(ctx, content); err != nil {
		return res, fmt.Errorf("%s holds the new door map, but Home Assistant did not take it: %w",
			u.Path, err)
	}
	st.ReloadOwed = false
	res.Reloaded = true
	j.Log.Info("automations reloaded", logkey.Path, u.Path)
	return res, nil
}

// report notifies a failure unless it is the one already notified, and
// the first success after a failure.
func (j *Job) report(ctx context.Context, st *state, res Result, err error) {
	if err != nil {
		msg := fmt.Sprintf("resident update-telegram-ids on %s failed: %v", j.Host, err)
		if msg == st.Failure {
			j.Log.Info("failure already notified")
			return
		}
		st.Failure = msg
		j.Notifier.Notify(ctx, notify.Truncate(msg, 4000))
		return
	}
	if st.Failure != "" {
		st.Failure = ""
		j.Notifier.Notify(ctx, fmt.Sprintf(
			"resident update-telegram-ids on %s works again: the door map has %d codes", j.Host, res.Entries))
	}
}

func (j *Job) loadState() state {
	var st state
	b, err := os.ReadFile(j.StatePath)
	if errors.Is(err, os.ErrNotExist) {
		return st
	}
	if err == nil {
		err = json.Unmarshal(b, &st)
	}
	if err != nil {
		// A lost state costs at most a repeated notification or an owed
		// reload; it must not stop the run.
		j.Log.Warn("state file unreadable; starting afresh", logkey.Path, j.StatePath, logkey.Err, err)
		return state{}
	}
	return st
}

func (j *Job) saveState(st state) {
	b, _ := json.Marshal(st)
	if _, err := atomicfile.WriteFile(j.StatePath, append(b, '\n'), atomicfile.Options{}); err != nil {
		j.Log.Warn("cannot save state", logkey.Path, j.StatePath, logkey.Err, err)
	}
}
