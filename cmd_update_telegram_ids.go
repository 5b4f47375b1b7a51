package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/hass"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/notify"
)

func updateTelegramIDsCommand() *cli.Command {
	return &cli.Command{
		Name:  "update-telegram-ids",
		Usage: "write the door codes' uid_map into a Home Assistant automation and reload it",
		Description: "Meant as the poller's on_update_command beside Home Assistant. It reads last.json, " +
			"rewrites only the uid_map block of the automation named hass_automation_alias in " +
			"hass_automations_path, and reloads automations through Home Assistant's REST API.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Required: true, EnvVars: []string{"RESIDENT_CONFIG"},
				Usage: "path of the consumers' config.json (no default)"},
			&cli.StringFlag{Name: "data", Value: "./resident-data", EnvVars: []string{"RESIDENT_DATA"},
				Usage: "poller's data folder, whose last.json is read"},
			&cli.StringFlag{Name: "last", EnvVars: []string{"RESIDENT_LAST"},
				Usage: "path of last.json when it is not in --data (default <data>/last.json)"},
		},
		Action: runUpdateTelegramIDs,
	}
}

func runUpdateTelegramIDs(c *cli.Context) error {
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	log = log.With(logkey.Component, "update-telegram-ids")
	cfg, err := config.Load(c.String("config"))
	if err != nil {
		return fail(exitUsage, err, "point --config or RESIDENT_CONFIG at the consumers' config.json")
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	data := c.String("data")
	last := c.String("last")
	if last == "" {
		last = filepath.Join(data, "last.json")
	}
	host, _ := os.Hostname()
	job := &hass.Job{
		LastPath:  last,
		StatePath: filepath.Join(data, hass.StateFile),
		Notifier:  notify.FromConfig(cfg, log),
		Log:       log,
		Host:      host,
	}
	if err := checkHassConfig(cfg); err != nil {
		err = fmt.Errorf("config %s: %w", c.String("config"), err)
		return fail(exitUsage, job.Refuse(ctx, err), hassConfigHint(err))
	}
	job.Updater = &hass.Updater{
		Path:  cfg.HassAutomationsPath,
		Alias: cfg.HassAutomationAlias,
		HA:    hass.NewClient(cfg.HassURL, cfg.HassToken),
		Log:   log,
	}
	if _, err := job.Run(ctx); err != nil {
		return fail(exitFailure, err, hassHints(err)...)
	}
	return nil
}

func checkHassConfig(cfg *config.Config) error {
	if err := cfg.CheckTelegram(); err != nil {
		return err
	}
	return cfg.CheckHass(os.Getenv)
}

func hassConfigHint(err error) string {
	var fe *config.FieldError
	if errors.As(err, &fe) && (fe.Field == "hass_token" || fe.Field == "hass_url") {
		return "create a long-lived access token in your Home Assistant profile and set hass_url and hass_token"
	}
	return "fix the field named above"
}

// hassHints suggests what to look at for the failures a person can fix.
func hassHints(err error) []string {
	var se *hass.StatusError
	switch {
	case errors.As(err, &se) && (se.Code == 401 || se.Code == 403):
		return []string{"check hass_token (or SUPERVISOR_TOKEN inside an add-on): Home Assistant did not accept it"}
	case errors.Is(err, hass.ErrUnreachable):
		return []string{"check hass_url and that Home Assistant is running"}
	case errors.Is(err, hass.ErrEntityMissing):
		return []string{"if an automation entity with that name exists, its id differs: " +
			"check that hass_automations_path is the file Home Assistant loads",
			"otherwise Home Assistant's log says why it did not load the automation"}
	case errors.Is(err, hass.ErrEntityUnavailable):
		return []string{"Home Assistant's log says why it did not load the automation"}
	case errors.Is(err, hass.ErrAliasNotFound), errors.Is(err, hass.ErrAliasTwice):
		return []string{"hass_automation_alias must name exactly one automation in hass_automations_path"}
	case errors.Is(err, hass.ErrNoUIDMap):
		return []string{"the automation needs a variables action with a uid_map (uid_map: {} will do)"}
	case errors.Is(err, os.ErrNotExist):
		return []string{"check hass_automations_path and --data (or RESIDENT_LAST)"}
	}
	return nil
}
