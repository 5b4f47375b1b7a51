package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/server"
)

// Timeouts of the HTTP server. Bodies are small (8 MiB at most) and LAN
// clients are quick, so a minute is generous; /dump extends its own write
// deadline as it streams, so that a long history is not cut off.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = time.Minute
	writeTimeout      = time.Minute
	idleTimeout       = 2 * time.Minute
	// shutdownTimeout stays under Docker's default 10 s stop grace period.
	shutdownTimeout = 8 * time.Second
)

var hackspaceName = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the accounts, their history and the web page over HTTP",
		Description: "The keys are read from the environment: READ_KEY, WRITE_KEY and " +
			"DECENTRALA_ELECTION_KEY, three different keys of at least 10 characters.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: ":8000", EnvVars: []string{"RESIDENT_LISTEN"},
				Usage: "address to listen on, host:port"},
			&cli.StringFlag{Name: "data", Value: "/data", EnvVars: []string{"RESIDENT_DATA"},
				Usage: "folder holding the version files"},
			&cli.Int64Flag{Name: "max-body", Value: server.DefaultMaxBody,
				EnvVars: []string{"RESIDENT_MAX_BODY"},
				Usage:   "largest request body accepted, in bytes"},
			&cli.StringFlag{Name: "name", Value: server.DefaultName,
				EnvVars: []string{"RESIDENT_NAME"},
				Usage:   "hackspace name used in the VPN export's file names"},
		},
		Action: runServe,
	}
}

func runServe(c *cli.Context) error {
	log, err := newLogger(c, os.Stderr)
	if err != nil {
		return err
	}
	opts, err := serveOptions(c)
	if err != nil {
		return err
	}
	store, err := openStore(c.String("data"))
	if err != nil {
		return err
	}
	// Close waits for a write in flight, so the last acknowledged version
	// is on disk before the lock is released.
	defer store.Close()
	opts.Store, opts.Logger = store, log.With(logkey.Component, "server")
	ln, err := net.Listen("tcp", c.String("listen"))
	if err != nil {
		return fail(exitFailure, fmt.Errorf("listen on %s: %w", c.String("listen"), err),
			"choose another address with --listen or RESIDENT_LISTEN")
	}
	logStart(log, store, ln.Addr().String())
	srv := &http.Server{
		Handler:           server.New(opts),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	return serveUntilSignal(srv, ln, log)
}

// serveOptions checks the flags and reads the keys.
func serveOptions(c *cli.Context) (server.Options, error) {
	keys, err := server.KeysFromEnv(os.Getenv)
	if err != nil {
		return server.Options{}, fail(exitUsage, err,
			"set READ_KEY, WRITE_KEY and DECENTRALA_ELECTION_KEY to three different keys "+
				"of at least 10 characters without spaces")
	}
	if !hackspaceName.MatchString(c.String("name")) {
		return server.Options{}, usageError("--name %q: use only letters, digits, '_', '.' and '-'",
			c.String("name"))
	}
	if c.Int64("max-body") <= 0 {
		return server.Options{}, usageError("--max-body %d: must be a positive number of bytes",
			c.Int64("max-body"))
	}
	opts := server.Options{Keys: keys, Name: c.String("name"), MaxBody: c.Int64("max-body")}
	return opts, nil
}

func openStore(dir string) (*chain.Store, error) {
	store, err := chain.Open(dir, time.Now)
	var p *chain.Problem
	switch {
	case errors.Is(err, chain.ErrLocked):
		return nil, fail(exitFailure, err,
			"stop the other server first, or give this one another --data folder")
	case errors.As(err, &p):
		return nil, fail(exitFailure, fmt.Errorf("the chain in %s is broken: %w", dir, err),
			"run resident verify-chain to see the whole chain; move the named file away "+
				"only if you know it should not be there")
	case errors.Is(err, os.ErrNotExist):
		return nil, fail(exitFailure, fmt.Errorf("open data folder: %w", err),
			"check --data or RESIDENT_DATA: serve creates the last folder of the path, not its parents")
	case err != nil:
		return nil, fail(exitFailure, fmt.Errorf("open data folder: %w", err))
	}
	return store, nil
}

func logStart(log *slog.Logger, store *chain.Store, addr string) {
	head := store.Head()
	log.Info("serving", logkey.Addr, addr, logkey.Path, store.Dir(),
		logkey.Count, store.Len(), logkey.Version, head.SHA256)
	if head.Invalid != nil {
		log.Warn("the head version breaks a rule of the model; it is served as it is",
			logkey.Version, head.SHA256, logkey.Err, head.Invalid)
	}
}

// serveUntilSignal serves until SIGTERM or SIGINT, then stops taking new
// requests and lets those in flight finish.
func serveUntilSignal(srv *http.Server, ln net.Listener, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fail(exitFailure, fmt.Errorf("serve: %w", err))
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Warn("requests still running at shutdown were cut off", logkey.Err, err)
		srv.Close()
	}
	log.Info("stopped")
	return nil
}
