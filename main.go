// Command resident is the hackspace's source of truth for its residents:
// the account store and its web page (serve), and the consumers that turn
// the data into a VPN config and a door code map (poll, update-vpn,
// update-telegram-ids, verify-chain).
package main

import (
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:  "resident",
		Usage: "the hackspace's hash-chained record of its residents",
		Flags: logFlags(),
		Commands: []*cli.Command{
			serveCommand(),
			healthcheckCommand(),
			demoDataCommand(),
			pollCommand(),
			verifyChainCommand(),
			updateVPNCommand(),
			updateTelegramIDsCommand(),
		},
		ExitErrHandler: func(*cli.Context, error) {},
	}
	os.Exit(run(app, os.Args))
}
