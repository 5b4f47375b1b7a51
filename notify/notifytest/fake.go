// Package notifytest plays the Telegram Bot API for tests: a loopback
// server that checks each request as Telegram would and records what was
// sent.
package notifytest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"
	"unicode/utf16"
)

// maxLength is Telegram's message limit in UTF-16 code units.
const maxLength = 4096

// Sent is one sendMessage the fake Bot API received.
type Sent struct {
	Chat, Thread, Text string
}

// Answer is a scripted reply to one sendMessage.
type Answer struct {
	Status int
	Body   string
}

// RateLimited is a 429 answer asking to wait secs.
func RateLimited(secs int) Answer {
	return Answer{Status: 429, Body: fmt.Sprintf(
		`{"ok":false,"error_code":429,"description":"Too Many Requests: retry after %d","parameters":{"retry_after":%d}}`,
		secs, secs)}
}

// ThreadNotFound is Telegram's answer for a topic that does not exist.
func ThreadNotFound() Answer {
	return Answer{Status: 400, Body: `{"ok":false,"error_code":400,"description":"Bad Request: message thread not found"}`}
}

// FakeBotAPI plays the Telegram Bot API: it checks the token in the path,
// the method and the form, and records every sendMessage.
type FakeBotAPI struct {
	tb     testing.TB
	token  string
	srv    *httptest.Server
	mu     sync.Mutex
	sent   []Sent
	script []Answer
}

// NewFakeBotAPI starts a fake Bot API that accepts token.
func NewFakeBotAPI(tb testing.TB, token string) *FakeBotAPI {
	tb.Helper()
	f := &FakeBotAPI{tb: tb, token: token}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

// URL is the value for telegram_api_url.
func (f *FakeBotAPI) URL() string { return f.srv.URL }

// Script queues answers for the next sendMessage calls; calls beyond the
// script succeed.
func (f *FakeBotAPI) Script(as ...Answer) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.script = append(f.script, as...)
}

// Sent returns the messages received so far.
func (f *FakeBotAPI) Sent() []Sent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Sent(nil), f.sent...)
}

func (f *FakeBotAPI) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.Method != http.MethodPost || r.URL.Path != "/bot"+f.token+"/sendMessage" {
		f.tb.Errorf("fake Bot API: unexpected %s %s", r.Method, r.URL.Path)
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"ok":false,"error_code":404,"description":"Not Found"}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		f.tb.Errorf("fake Bot API: bad form: %v", err)
	}
	s := Sent{Chat: r.PostForm.Get("chat_id"), Thread: r.PostForm.Get("message_thread_id"), Text: r.PostForm.Get("text")}
	if r.PostForm.Has("parse_mode") || s.Chat == "" || s.Text == "" || len(utf16.Encode([]rune(s.Text))) > maxLength {
		f.tb.Errorf("fake Bot API: bad sendMessage %+v parse_mode=%q", s, r.PostForm.Get("parse_mode"))
	}
	if _, err := strconv.ParseInt(s.Chat, 10, 64); err != nil {
		f.tb.Errorf("fake Bot API: chat_id %q is not a number", s.Chat)
	}
	f.mu.Lock()
	f.sent = append(f.sent, s)
	id := len(f.sent)
	var a *Answer
	if len(f.script) > 0 {
		a, f.script = &f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	if a != nil {
		w.WriteHeader(a.Status)
		io.WriteString(w, a.Body)
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": map[string]any{
		"message_id": id, "date": time.Now().Unix(), "chat": map[string]any{"id": json.Number(s.Chat), "type": "group"}, "text": s.Text}})
}
