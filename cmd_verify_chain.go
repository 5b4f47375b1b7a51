package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/poll"
)

func verifyChainCommand() *cli.Command {
	return &cli.Command{
		Name:      "verify-chain",
		Usage:     "check a chain of versions: names, hashes, links, one head",
		UsageText: "resident verify-chain --dir DIR | --url URL [--key KEY] [--json]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dir", EnvVars: []string{"RESIDENT_VERIFY_DIR"},
				Usage: "data folder to check, a server's or a poll copy"},
			&cli.StringFlag{Name: "url", EnvVars: []string{"RESIDENT_URL"},
				Usage: "base URL of a resident service whose /dump to check"},
			&cli.StringFlag{Name: "key", EnvVars: []string{"RESIDENT_KEY"},
				Usage: "API key for --url; prefer the env var, which other users cannot see"},
			&cli.DurationFlag{Name: "timeout", Value: 5 * time.Minute, EnvVars: []string{"RESIDENT_TIMEOUT"},
				Usage: "time limit for fetching --url, a Go duration such as 5m"},
			&cli.BoolFlag{Name: "json", EnvVars: []string{"RESIDENT_JSON"},
				Usage: "print the result as JSON"},
		},
		Action: runVerifyChain,
	}
}

// chainReport is what verify-chain prints.
type chainReport struct {
	Sound     bool          `json:"sound"`
	Versions  int           `json:"versions"`
	FirstTime string        `json:"first_time,omitempty"`
	LastTime  string        `json:"last_time,omitempty"`
	Head      string        `json:"head_sha256,omitempty"`
	Problem   *problemField `json:"problem,omitempty"`
}

type problemField struct {
	File   string `json:"file"`
	Kind   string `json:"kind"`
	Detail string `json:"detail"`
}

func runVerifyChain(c *cli.Context) error {
	dir, url := c.String("dir"), c.String("url")
	if (dir == "") == (url == "") {
		return usageError("give either --dir or --url")
	}
	if url != "" && c.String("key") == "" {
		return usageError("--url needs an API key: set RESIDENT_KEY or --key")
	}
	if dir != "" && !isDir(dir) {
		return fail(exitFailure, fmt.Errorf("data folder %s does not exist or is not a folder", dir),
			"--dir must name a data folder: the server's --data or a poll copy")
	}
	vs, err := verifySource(c, dir, url)
	var p *chain.Problem
	if err != nil && !errors.As(err, &p) {
		return fail(exitFailure, err, serverHints(err)...)
	}
	if err == nil && len(vs) == 0 {
		// An auditor pointed at the wrong place must not be told all is well.
		p = &chain.Problem{File: dir + url, Kind: kindEmpty, Detail: "no versions found"}
	}
	rep := newChainReport(vs, p)
	if err := printChainReport(os.Stdout, rep, c.Bool("json")); err != nil {
		return fail(exitFailure, err)
	}
	if rep.Sound {
		return nil
	}
	if p.Kind == kindEmpty {
		return fail(exitFailure, errors.New("the chain is not sound: no versions found"),
			fmt.Sprintf("check that %s is the data folder or service that holds the chain", dir+url))
	}
	return fail(exitFailure, errors.New("the chain is not sound"))
}

// kindEmpty is the problem of a source without any version.
const kindEmpty = "no versions"

func verifySource(c *cli.Context, dir, url string) ([]chain.Version, error) {
	if dir != "" {
		return poll.VerifyDir(dir)
	}
	ctx, cancel := context.WithTimeout(c.Context, c.Duration("timeout"))
	defer cancel()
	return poll.VerifyURL(ctx, &http.Client{}, url, c.String("key"))
}

func newChainReport(vs []chain.Version, p *chain.Problem) chainReport {
	if p != nil {
		return chainReport{Problem: &problemField{File: p.File, Kind: p.Kind, Detail: p.Detail}}
	}
	rep := chainReport{Sound: true, Versions: len(vs)}
	if len(vs) > 0 {
		rep.FirstTime = time.Unix(vs[0].Unixtime, 0).UTC().Format(time.RFC3339)
		rep.LastTime = time.Unix(vs[len(vs)-1].Unixtime, 0).UTC().Format(time.RFC3339)
		rep.Head = vs[len(vs)-1].SHA256
	}
	return rep
}

func printChainReport(w io.Writer, rep chainReport, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	var err error
	if rep.Sound {
		_, err = fmt.Fprintf(w, "sound\nversions: %d\nfirst:    %s\nlast:     %s\nhead:     %s\n",
			rep.Versions, orNone(rep.FirstTime), orNone(rep.LastTime), orNone(rep.Head))
		return err
	}
	_, err = fmt.Fprintf(w, "not sound\nfile:   %s\nkind:   %s\ndetail: %s\n",
		rep.Problem.File, rep.Problem.Kind, rep.Problem.Detail)
	return err
}

func orNone(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
