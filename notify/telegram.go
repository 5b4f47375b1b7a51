package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/xecut/resident/config"
	"github.com/xecut/resident/logkey"
)

const (
	// MaxLength is the longest message Telegram accepts, counted in UTF-16
	// code units as Telegram counts them.
	MaxLength = 4096
	// generalTopic is a forum's General topic, which takes no thread.
	generalTopic = 1
	// requestTimeout bounds one call to the Bot API when the caller's
	// context sets no deadline of its own.
	requestTimeout = 30 * time.Second
	// maxAttempts bounds the retries after 429 answers.
	maxAttempts = 5
	// maxAnswer bounds what is read of one Bot API answer.
	maxAnswer = 1 << 20
	cutMark   = "\n… (message cut)"
)

// Nop is a Notifier that sends nothing.
type Nop struct{}

// Notify does nothing.
func (Nop) Notify(context.Context, string) {}

// Telegram sends every message to a list of chats through the Bot API.
type Telegram struct {
	token    string
	endpoint string // "<api url>/bot%s/%s", the library's format
	targets  []config.Target
	client   *http.Client
	log      *slog.Logger
	sleep    func(context.Context, time.Duration) error
}

// FromConfig returns the Notifier the config asks for: Telegram when it
// sets telegram_api_key and at least one telegram_notify target, else Nop.
// Half a setup is warned about, since it looks configured but is silent.
func FromConfig(cfg *config.Config, log *slog.Logger) Notifier {
	switch hasKey, hasTargets := cfg.TelegramAPIKey != "", len(cfg.TelegramNotify) > 0; {
	case hasTargets && !hasKey:
		log.Warn("telegram_notify is set but telegram_api_key is not: no notifications will be sent")
		return Nop{}
	case hasKey && !hasTargets:
		log.Warn("telegram_api_key is set but telegram_notify lists no chat: " +
			"no notifications will be sent")
		return Nop{}
	case !hasKey:
		return Nop{}
	}
	return NewTelegram(cfg.TelegramAPIURL, cfg.TelegramAPIKey, cfg.TelegramNotify, log)
}

// NewTelegram returns a Notifier for the Bot API at apiURL (the part
// before /bot<token>/<method>).
func NewTelegram(apiURL, token string, targets []config.Target, log *slog.Logger) *Telegram {
	return &Telegram{
		token:    token,
		endpoint: strings.TrimRight(apiURL, "/") + "/bot%s/%s",
		targets:  targets,
		client:   &http.Client{Timeout: requestTimeout},
		log:      log.With(logkey.Component, "notify"),
		sleep:    sleepCtx,
	}
}

// Notify sends text to every target in turn. Failures are logged.
func (t *Telegram) Notify(ctx context.Context, text string) {
	text = Truncate(text, MaxLength)
	for _, tg := range t.targets {
		t.send(ctx, tg, text)
	}
}

// bot makes a library client bound to ctx. It is built directly rather
// than with NewBotAPIWithClient, which calls getMe first: a Telegram that
// is down must cost one failed send, not a failed start.
func (t *Telegram) bot(ctx context.Context) *tgbotapi.BotAPI {
	b := &tgbotapi.BotAPI{Token: t.token, Client: ctxClient{ctx: ctx, c: t.client}}
	b.SetAPIEndpoint(t.endpoint)
	return b
}

func (t *Telegram) send(ctx context.Context, tg config.Target, text string) {
	log := t.log.With(logkey.Chat, tg.ChatID, logkey.Topic, tg.TopicID)
	topic := tg.TopicID
	if topic == generalTopic {
		topic = 0
	}
	err := t.sendRetrying(ctx, tg.ChatID, topic, text)
	if topic != 0 && isThreadNotFound(err) {
		log.Warn("telegram topic not found, sending to the chat without it")
		err = t.sendRetrying(ctx, tg.ChatID, 0, text)
	}
	if err != nil {
		log.Error("telegram message not sent", logkey.Err, t.scrub(err.Error()))
		return
	}
	log.Debug("telegram message sent")
}

// sendRetrying sends one message, waiting out 429 answers for as long as
// Telegram asks while ctx allows.
func (t *Telegram) sendRetrying(ctx context.Context, chat int64, topic int, text string) error {
	params := tgbotapi.Params{"chat_id": strconv.FormatInt(chat, 10), "text": text}
	params.AddNonZero("message_thread_id", topic)
	var err error
	for range maxAttempts {
		_, err = t.bot(ctx).MakeRequest("sendMessage", params)
		wait, limited := retryAfter(err)
		if !limited {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return errors.New("telegram asked to wait " + wait.String() + ", past the deadline")
		}
		t.log.Warn("telegram rate limit, waiting", logkey.Duration, wait, logkey.Chat, chat)
		if serr := t.sleep(ctx, wait); serr != nil {
			return serr
		}
	}
	return err
}

func retryAfter(err error) (time.Duration, bool) {
	var te *tgbotapi.Error
	if !errors.As(err, &te) || te.Code != http.StatusTooManyRequests {
		return 0, false
	}
	return time.Duration(max(te.RetryAfter, 1)) * time.Second, true
}

func isThreadNotFound(err error) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == http.StatusBadRequest &&
		strings.Contains(strings.ToLower(te.Message), "thread not found")
}

// scrub removes the bot token, which sits in every request URL, from an
// error text before it is logged.
func (t *Telegram) scrub(s string) string {
	if t.token == "" {
		return s
	}
	s = strings.ReplaceAll(s, t.token, "<token>")
	return strings.ReplaceAll(s, url.PathEscape(t.token), "<token>")
}

// Truncate shortens text to at most limit UTF-16 code units, marking the
// cut, without splitting a character.
func Truncate(text string, limit int) string {
	if utf16Len(text) <= limit {
		return text
	}
	room := limit - utf16Len(cutMark)
	n := 0
	for i, r := range text {
		n += utf16.RuneLen(r)
		if n > room {
			return text[:i] + cutMark
		}
	}
	return text
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// ctxClient binds the library's requests to a context and bounds the size
// of the answers it reads.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.c.Do(req.WithContext(c.ctx))
	if err != nil {
		return nil, err
	}
	resp.Body = limitedBody{io.LimitReader(resp.Body, maxAnswer), resp.Body}
	return resp, nil
}

type limitedBody struct {
	io.Reader
	io.Closer
}
