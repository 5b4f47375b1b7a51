package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"regexp"
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
	var ce *cliError
	if !errors.As(err, &ce) && isUsage(err) {
		err = fail(exitUsage, err, usageHints(err)...)
	}
	report(os.Stderr, err)
	if errors.As(err, &ce) {
		return ce.code
	}
	return exitFailure
}

// bareNumber is urfave/cli's complaint about a duration flag given a
// number alone: an integer flag parses any such number.
var bareNumber = regexp.MustCompile(`invalid value "[0-9]+" for flag -[a-z-]+: parse error|missing unit in duration`)

// usageHints suggests the fix for urfave/cli's own complaints.
func usageHints(err error) []string {
	if bareNumber.MatchString(err.Error()) {
		return []string{"write a unit: 10m, 90s"}
	}
	return nil
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
	for _, p := range []string{"flag provided but not defined", "Required flag", "invalid value",
		"flag needs an argument", "No help topic", "could not parse"} {
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
