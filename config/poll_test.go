package config

import (
	"errors"
	"testing"
)

func TestCheckPoll(t *testing.T) {
	tests := []struct {
		name      string
		cfg       string
		wantField string // "" for no error
	}{
		{name: "complete", cfg: `{"resident_storage_url":"https://example.org/accounts","resident_storage_api_key":"k"}`},
		{name: "base URL", cfg: `{"resident_storage_url":"http://127.0.0.1:8000","resident_storage_api_key":"k"}`},
		{name: "no url", cfg: `{"resident_storage_api_key":"k"}`, wantField: "resident_storage_url"},
		{name: "empty key", cfg: `{"resident_storage_url":"https://x","resident_storage_api_key":""}`,
			wantField: "resident_storage_api_key"},
		{name: "not http", cfg: `{"resident_storage_url":"ftp://x","resident_storage_api_key":"k"}`,
			wantField: "resident_storage_url"},
		{name: "no host", cfg: `{"resident_storage_url":"https://","resident_storage_api_key":"k"}`,
			wantField: "resident_storage_url"},
		{name: "credentials in URL", cfg: `{"resident_storage_url":"https://u:p@x","resident_storage_api_key":"k"}`,
			wantField: "resident_storage_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.cfg))
			if err != nil {
				t.Fatal(err)
			}
			checkField(t, c.CheckPoll(), tt.wantField)
		})
	}
}

func TestCheckTelegram(t *testing.T) {
	tests := []struct {
		name      string
		cfg       string
		wantField string
	}{
		{name: "off", cfg: `{}`},
		{name: "on", cfg: `{"telegram_api_key":"k","telegram_notify":[{"chat_id":-1,"topic_id":2}]}`},
		{name: "bad api url", cfg: `{"telegram_api_key":"k","telegram_api_url":"api.telegram.org",
			"telegram_notify":[{"chat_id":1}]}`, wantField: "telegram_api_url"},
		{name: "no chat", cfg: `{"telegram_api_key":"k","telegram_notify":[{"topic_id":3}]}`,
			wantField: "telegram_notify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.cfg))
			if err != nil {
				t.Fatal(err)
			}
			checkField(t, c.CheckTelegram(), tt.wantField)
		})
	}
}

func TestPollDefaults(t *testing.T) {
	c, err := Parse([]byte(`{"resident_storage_url":"https://x","resident_storage_api_key":"k"}`))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Strict() || c.CheckTimeout.Std() != DefaultTimeout || c.UpdateTimeout.Std() != DefaultTimeout ||
		c.TelegramAPIURL != DefaultTelegramAPIURL {
		t.Errorf("defaults: strict %v, check %v, update %v, telegram %q", c.Strict(),
			c.CheckTimeout.Std(), c.UpdateTimeout.Std(), c.TelegramAPIURL)
	}
}

func checkField(tb testing.TB, err error, want string) {
	tb.Helper()
	if want == "" {
		if err != nil {
			tb.Errorf("check = %v, want nil", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != want {
		tb.Errorf("check = %v, want an error naming %q", err, want)
	}
}
