package notify

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/notify/notifytest"
)

const testToken = "123456:secret-token"

func TestTruncate(t *testing.T) {
	long := strings.Repeat("a", MaxLength+10)
	emoji := strings.Repeat("😀", MaxLength) // two UTF-16 units each
	tests := []struct {
		name  string
		in    string
		limit int
		want  string
	}{
		{name: "short", in: "hello", limit: MaxLength, want: "hello"},
		{name: "exact", in: long[:MaxLength], limit: MaxLength, want: long[:MaxLength]},
		{name: "long", in: long, limit: MaxLength,
			want: long[:MaxLength-utf16Len(cutMark)] + cutMark},
		{name: "surrogates", in: emoji, limit: MaxLength,
			want: strings.Repeat("😀", (MaxLength-utf16Len(cutMark))/2) + cutMark},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Truncate(tt.in, tt.limit)
			if got != tt.want {
				t.Errorf("Truncate(len %d) = len %d, want len %d", len(tt.in), len(got), len(tt.want))
			}
			if n := utf16Len(got); n > tt.limit {
				t.Errorf("Truncate gave %d UTF-16 units, limit %d", n, tt.limit)
			}
		})
	}
}

func TestFromConfigNop(t *testing.T) {
	tests := []struct {
		name     string
		cfg      string
		nop      bool
		wantWarn string // "" for no log line
	}{
		{name: "no key", cfg: `{"telegram_notify":[{"chat_id":1}]}`, nop: true,
			wantWarn: "telegram_notify is set but telegram_api_key is not: no notifications will be sent"},
		{name: "no targets", cfg: `{"telegram_api_key":"k"}`, nop: true,
			wantWarn: "telegram_api_key is set but telegram_notify lists no chat"},
		{name: "empty targets", cfg: `{"telegram_api_key":"k","telegram_notify":[]}`, nop: true,
			wantWarn: "telegram_api_key is set but telegram_notify lists no chat"},
		{name: "neither", cfg: `{}`, nop: true},
		{name: "both", cfg: `{"telegram_api_key":"k","telegram_notify":[{"chat_id":1}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse([]byte(tt.cfg))
			if err != nil {
				t.Fatal(err)
			}
			var logs bytes.Buffer
			log := slog.New(slog.NewTextHandler(&logs, nil))
			_, isNop := FromConfig(cfg, log).(Nop)
			if isNop != tt.nop {
				t.Errorf("FromConfig(%s) is Nop: %v, want %v", tt.cfg, isNop, tt.nop)
			}
			got := logs.String()
			if tt.wantWarn == "" && got != "" || !strings.Contains(got, tt.wantWarn) ||
				tt.wantWarn != "" && !strings.Contains(got, "level=WARN") {
				t.Errorf("FromConfig(%s) logged %q, want a warning saying %q", tt.cfg, got, tt.wantWarn)
			}
		})
	}
}

func TestNotify(t *testing.T) {
	tests := []struct {
		name    string
		targets []config.Target
		script  []notifytest.Answer
		want    []notifytest.Sent
		wantLog string
	}{
		{name: "chat and topic",
			targets: []config.Target{{ChatID: -100123, TopicID: 42}, {ChatID: 77}},
			want:    []notifytest.Sent{{Chat: "-100123", Thread: "42", Text: "hi_there"}, {Chat: "77", Text: "hi_there"}}},
		{name: "general topic has no thread",
			targets: []config.Target{{ChatID: 5, TopicID: 1}},
			want:    []notifytest.Sent{{Chat: "5", Text: "hi_there"}}},
		{name: "rate limited then sent",
			targets: []config.Target{{ChatID: 5}},
			script:  []notifytest.Answer{notifytest.RateLimited(1)},
			want:    []notifytest.Sent{{Chat: "5", Text: "hi_there"}, {Chat: "5", Text: "hi_there"}},
			wantLog: "rate limit"},
		{name: "topic not found falls back to the chat",
			targets: []config.Target{{ChatID: 5, TopicID: 9}},
			script:  []notifytest.Answer{notifytest.ThreadNotFound()},
			want:    []notifytest.Sent{{Chat: "5", Thread: "9", Text: "hi_there"}, {Chat: "5", Text: "hi_there"}},
			wantLog: "topic not found"},
		{name: "failure is logged and the next target still gets it",
			targets: []config.Target{{ChatID: 5}, {ChatID: 6}},
			script:  []notifytest.Answer{{Status: 403, Body: `{"ok":false,"error_code":403,"description":"Forbidden: bot was kicked"}`}},
			want:    []notifytest.Sent{{Chat: "5", Text: "hi_there"}, {Chat: "6", Text: "hi_there"}},
			wantLog: "bot was kicked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := notifytest.NewFakeBotAPI(t, testToken)
			api.Script(tt.script...)
			var logs bytes.Buffer
			n := NewTelegram(api.URL(), testToken, tt.targets, slog.New(slog.NewTextHandler(&logs, nil)))
			n.sleep = func(context.Context, time.Duration) error { return nil }
			n.Notify(context.Background(), "hi_there")
			if diff := cmp.Diff(tt.want, api.Sent()); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if !strings.Contains(logs.String(), tt.wantLog) {
				t.Errorf("log lacks %q:\n%s", tt.wantLog, logs.String())
			}
			if strings.Contains(logs.String(), "secret-token") {
				t.Errorf("log holds the token:\n%s", logs.String())
			}
		})
	}
}

func TestNotifyRateLimitPastDeadline(t *testing.T) {
	api := notifytest.NewFakeBotAPI(t, testToken)
	api.Script(notifytest.RateLimited(60))
	var logs bytes.Buffer
	n := NewTelegram(api.URL(), testToken, []config.Target{{ChatID: 5}}, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	start := time.Now()
	n.Notify(ctx, "x")
	if d := time.Since(start); d > time.Second {
		t.Errorf("Notify took %v, want it to give up at once", d)
	}
	if len(api.Sent()) != 1 || !strings.Contains(logs.String(), "past the deadline") {
		t.Errorf("sent %d, log:\n%s", len(api.Sent()), logs.String())
	}
}

func TestNotifyServerDownScrubsToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	var logs bytes.Buffer
	n := NewTelegram(url, testToken, []config.Target{{ChatID: 5}}, slog.New(slog.NewTextHandler(&logs, nil)))
	n.Notify(context.Background(), "x")
	if !strings.Contains(logs.String(), "not sent") || !strings.Contains(logs.String(), "<token>") {
		t.Errorf("want a scrubbed failure in the log, got:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), "secret-token") {
		t.Errorf("log holds the token:\n%s", logs.String())
	}
}

func TestNotifyHangingServer(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-release
	}))
	defer srv.Close()
	defer close(release)
	n := NewTelegram(srv.URL, testToken, []config.Target{{ChatID: 5}}, slog.New(slog.DiscardHandler))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	n.Notify(ctx, "x")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Notify took %v past a 200ms deadline", d)
	}
}
