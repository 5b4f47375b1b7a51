package main

import (
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"
)

// healthcheckCommand is for the container's HEALTHCHECK, whose image has
// no curl: it asks a server on this machine for /healthz.
func healthcheckCommand() *cli.Command {
	return &cli.Command{
		Name:   "healthcheck",
		Usage:  "exit 0 when the local server answers /healthz",
		Hidden: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "url", EnvVars: []string{"RESIDENT_HEALTHCHECK_URL"},
				Usage: "URL to ask (default http://127.0.0.1:<port of --listen>/healthz)"},
			&cli.StringFlag{Name: "listen", Value: ":8000", EnvVars: []string{"RESIDENT_LISTEN"},
				Usage: "the server's listen address, for the default URL"},
		},
		Action: runHealthcheck,
	}
}

func runHealthcheck(c *cli.Context) error {
	url := c.String("url")
	if url == "" {
		_, port, err := net.SplitHostPort(c.String("listen"))
		if err != nil {
			return usageError("--listen %q: %v", c.String("listen"), err)
		}
		url = "http://" + net.JoinHostPort("127.0.0.1", port) + "/healthz"
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return fail(exitFailure, fmt.Errorf("healthcheck: %w", err))
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fail(exitFailure, fmt.Errorf("healthcheck: %s answered %s", url, resp.Status))
	}
	return nil
}
