// Package notify tells the hackspace admins what the consumers did, through
// Telegram. It is the one place that talks to the Bot API.
package notify

import "context"

// Notifier sends a plain-text message to every configured chat. A failure
// to deliver is logged by the implementation and never returned: a
// notification must not stop or fail the work it reports on.
type Notifier interface {
	Notify(ctx context.Context, text string)
}
