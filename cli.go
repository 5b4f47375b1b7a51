package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/urfave/cli/v2"
)

// Exit codes shared by every subcommand.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// cliError is a failure to report as one line on stderr, with hints, and
// the exit code to end with.
type cliError struct {
	code  int
	err   error
	hints []string
}

func (e *cliError) Error() string { return e.err.Error() }
func (e *cliError) Unwrap() error { return e.err }

// fail wraps err for the CLI with an exit code and optional hint lines.
func fail(code int, err error, hints ...string) error {
	return &cliError{code: code, err: err, hints: hints}
}

// usageError is a mistake in how the command was called.
func usageError(format string, args ...any) error {
	return fail(exitUsage, fmt.Errorf(format, args...))
}

// run executes the app and turns its error into the stderr line and the
// exit code.
func run(app *cli.App, args []string) int {
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	report(os.Stderr, err)
	var ce *cliError
	if errors.As(err, &ce) {
		return ce.code
	}
	if isUsage(err) {
		return exitUsage
	}
	return exitFailure
}

func report(w io.Writer, err error) {
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintf(w, "resident: error: %s\n", msg)
	var ce *cliError
	if errors.As(err, &ce) {
		for _, h := range ce.hints {
			fmt.Fprintf(w, "hint: %s\n", h)
		}
	}
}

// isUsage recognizes urfave/cli's own complaints about flags and arguments.
func isUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"flag provided but not defined", "Required flag", "invalid value", "flag needs an argument", "No help topic"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func logFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "log-level", Value: "info", EnvVars: []string{"RESIDENT_LOG_LEVEL"},
			Usage: "least severe log level written: debug, info, warn or error"},
		&cli.StringFlag{Name: "log-format", Value: "text", EnvVars: []string{"RESIDENT_LOG_FORMAT"},
			Usage: "log line format on stderr: text or json"},
	}
}

// newLogger builds the one logger of the process from the global flags.
func newLogger(c *cli.Context, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.String("log-level"))); err != nil {
		return nil, usageError("--log-level %q: use debug, info, warn or error", c.String("log-level"))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.String("log-format") {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError("--log-format %q: use text or json", c.String("log-format"))
}
