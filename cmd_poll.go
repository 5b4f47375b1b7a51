package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/notify"
	"github.com/xecut/resident/poll"
)

func pollCommand() *cli.Command {
	return &cli.Command{
		Name:  "poll",
		Usage: "mirror and verify the account chain, run a command when it changes",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Required: true, EnvVars: []string{"RESIDENT_CONFIG"},
				Usage: "path of the consumers' JSON config file"},
			&cli.StringFlag{Name: "data", Required: true, EnvVars: []string{"RESIDENT_DATA"},
				Usage: "folder of the local copy of the chain, created if missing"},
			&cli.BoolFlag{Name: "once", EnvVars: []string{"RESIDENT_ONCE"},
				Usage: "run one cycle and exit with its status"},
			&cli.DurationFlag{Name: "interval", Value: 10 * time.Minute, EnvVars: []string{"RESIDENT_INTERVAL"},
				Usage: "time between cycle starts, a Go duration such as 10m or 90s"},
		},
		Action: runPoll,
	}
}

func runPoll(c *cli.Context) error {
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	if c.Duration("interval") <= 0 {
		return usageError("--interval %s: use a positive duration such as 10m", c.Duration("interval"))
	}
	cfg, err := loadPollConfig(c.String("config"))
	if err != nil {
		return err
	}
	p, err := poll.New(poll.Options{
		URL: cfg.StorageURL, APIKey: cfg.StorageAPIKey, Strict: cfg.Strict(),
		Command:      cfg.OnUpdateCommand,
		CheckTimeout: cfg.CheckTimeout.Std(), UpdateTimeout: cfg.UpdateTimeout.Std(),
		Dir: c.String("data"), Notifier: notify.FromConfig(cfg, log), Log: log,
	})
	if err != nil {
		return fail(exitFailure, err)
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if c.Bool("once") {
		return onceResult(p.Cycle(ctx))
	}
	log.Info("polling", "interval", c.Duration("interval"), "url", cfg.StorageURL)
	p.Run(ctx, c.Duration("interval"))
	return nil
}

func loadPollConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err == nil {
		if cerr := errors.Join(cfg.CheckPoll(), cfg.CheckTelegram()); cerr != nil {
			err = fmt.Errorf("config %s: %w", path, cerr)
		}
	}
	if err != nil {
		return nil, fail(exitUsage, err, "see the poll configuration reference in the README")
	}
	return cfg, nil
}

// onceResult turns a cycle's error into the exit status of --once. The
// cycle has logged it already.
func onceResult(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, poll.ErrChain) {
		return fail(exitFailure, errors.New("the server's chain failed validation; see the log"))
	}
	return fail(exitFailure, err, serverHints(err)...)
}

// serverHints turns the hint of a refused request into hint lines.
func serverHints(err error) []string {
	if h := poll.Hint(err); h != "" {
		return []string{h}
	}
	return nil
}
