// Package logkey holds the attribute keys of resident's log lines, so that
// every component spells them the same and a log search finds them all.
package logkey

// Attribute keys.
const (
	Component = "component"
	Err       = "err"
	File      = "file"
	Path      = "path"
	Version   = "version" // a version's sha256
	Unixtime  = "unixtime"
	Account   = "account"
	Method    = "method"
	Status    = "status"
	Duration  = "duration"
	Role      = "role"
	Addr      = "addr"
	Command   = "command"
	ExitCode  = "exit_code"
	Output    = "output"
	Chat      = "chat"
	Topic     = "topic"
	Count     = "count"
)
