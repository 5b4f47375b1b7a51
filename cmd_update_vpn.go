package main

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/notify"
	"github.com/xecut/resident/vpn"
)

func updateVPNCommand() *cli.Command {
	return &cli.Command{
		Name:  "update-vpn",
		Usage: "write WireGuard's wg0.conf from last.json and reload the interface",
		Description: "Meant as the poller's on_update_command on the VPN gateway, run as root. " +
			"The config file needs vpn_private_key, vpn_port, vpn_admin_ip and vpn_admin_public_key.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", Required: true, EnvVars: []string{"RESIDENT_CONFIG"},
				Usage: "path of the consumers' config.json (no default)"},
			&cli.StringFlag{Name: "data", Value: "./resident-data", EnvVars: []string{"RESIDENT_DATA"},
				Usage: "poller's data folder, whose last.json is read"},
			&cli.DurationFlag{Name: "reload-timeout", Value: time.Minute,
				EnvVars: []string{"RESIDENT_RELOAD_TIMEOUT"},
				Usage:   "longest wait for vpn_reload_command and for the wg-quick check, a Go duration such as 1m or 30s"},
		},
		Action: runUpdateVPN,
	}
}

func runUpdateVPN(c *cli.Context) error {
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	log = log.With(logkey.Component, "update-vpn")
	cfg, err := loadVPNConfig(c.String("config"))
	if err != nil {
		return err
	}
	if c.Duration("reload-timeout") <= 0 {
		return usageError("--reload-timeout %s: must be positive", c.Duration("reload-timeout"))
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	job := vpnJob(cfg, c.String("data"), c.Duration("reload-timeout"), log)
	if err := job.Run(ctx); err != nil {
		return fail(exitFailure, err, vpnHint(err))
	}
	return nil
}

func vpnHint(err error) string {
	if errors.Is(err, vpn.ErrNoDataDir) {
		return "point --data or RESIDENT_DATA at the poller's data folder, the one holding last.json"
	}
	return "see the log above; the poller runs update-vpn again on its next cycle"
}

func loadVPNConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, fail(exitUsage, err,
			"point --config or RESIDENT_CONFIG at the consumers' config.json")
	}
	if err := cfg.CheckVPN(); err != nil {
		return nil, fail(exitUsage, fmt.Errorf("config %s: %w", path, err),
			"update-vpn needs vpn_private_key, vpn_port, vpn_admin_ip and vpn_admin_public_key")
	}
	if err := cfg.CheckTelegram(); err != nil {
		return nil, fail(exitUsage, fmt.Errorf("config %s: %w", path, err))
	}
	// Checked here rather than left to the atomic write, whose error
	// names a temp file and comes after the build.
	if dir := filepath.Dir(cfg.VPNConfigPath); !isDir(dir) {
		return nil, fail(exitUsage, fmt.Errorf(
			"config %s: the folder of vpn_config_path (%s) does not exist: create it or fix the field",
			path, dir))
	}
	return cfg, nil
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

func vpnJob(cfg *config.Config, data string, timeout time.Duration, log *slog.Logger) *vpn.Job {
	secrets := []string{cfg.VPNPrivateKey}
	inst := &vpn.Installer{
		Path:     cfg.VPNConfigPath,
		Reloader: vpn.Shell{Command: cfg.VPNReloadCommand, Timeout: timeout, Log: log, Secrets: secrets},
		Log:      log,
	}
	inst.Checker = wgQuickChecker(timeout, log, secrets)
	host, _ := os.Hostname()
	return &vpn.Job{
		LastPath:  filepath.Join(data, "last.json"),
		Interface: vpn.Interface{PrivateKey: cfg.VPNPrivateKey, Port: cfg.VPNPort},
		Admin:     vpn.Entry{IP: cfg.VPNAdminIP, Key: cfg.VPNAdminPublicKey},
		Installer: inst,
		Notifier:  notify.FromConfig(cfg, log),
		Log:       log,
		Host:      host,
	}
}

// wgQuickChecker returns the wg-quick check when it can run: wg-quick is
// installed and this is root (as a normal user wg-quick re-runs itself
// through sudo, which would wait for a password).
func wgQuickChecker(timeout time.Duration, log *slog.Logger, secrets []string) vpn.Checker {
	if _, err := exec.LookPath("wg-quick"); err != nil {
		log.Warn("wg-quick is not installed: the new file is not checked before it is installed")
		return nil
	}
	if os.Geteuid() != 0 {
		log.Warn("not running as root: the new file is not checked with wg-quick")
		return nil
	}
	return vpn.WGQuick{Timeout: timeout, Log: log, Secrets: secrets}
}
