package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/xecut/resident/demo"
)

// demoDataCommand writes a made-up data folder, for trying the server out
// and for benchmarks; testdata/demo-data is its output for the defaults.
func demoDataCommand() *cli.Command {
	d := demo.DefaultOptions
	return &cli.Command{
		Name:   "demo-data",
		Usage:  "write a made-up chain of versions into an empty folder",
		Hidden: true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Required: true, EnvVars: []string{"RESIDENT_DEMO_OUT"},
				Usage: "folder to write the versions into; it must hold none yet"},
			&cli.IntFlag{Name: "accounts", Value: d.Accounts, EnvVars: []string{"RESIDENT_DEMO_ACCOUNTS"},
				Usage: "accounts in the last version"},
			&cli.IntFlag{Name: "versions", Value: d.Versions, EnvVars: []string{"RESIDENT_DEMO_VERSIONS"},
				Usage: "versions in the chain"},
			&cli.Uint64Flag{Name: "seed", Value: d.Seed, EnvVars: []string{"RESIDENT_DEMO_SEED"},
				Usage: "seed of the made-up data"},
		},
		Action: runDemoData,
	}
}

func runDemoData(c *cli.Context) error {
	opts := demo.Options{Accounts: c.Int("accounts"), Versions: c.Int("versions"),
		Seed: c.Uint64("seed")}
	if opts.Accounts < 1 || opts.Versions < 1 {
		return usageError("--accounts and --versions must be at least 1")
	}
	head, err := demo.Write(c.String("out"), opts)
	if err != nil {
		return fail(exitFailure, err)
	}
	fmt.Fprintf(c.App.Writer, "wrote %d versions to %s, head %s\n",
		opts.Versions, c.String("out"), head.Name)
	return nil
}
