package config

import (
	"net/url"
)

// CheckPoll checks the fields resident poll needs: the server's URL, which
// must be http or https, and its API key.
func (c *Config) CheckPoll() error {
	if err := c.Require("resident_storage_url", "resident_storage_api_key"); err != nil {
		return err
	}
	return checkHTTPURL("resident_storage_url", c.StorageURL)
}

// CheckTelegram checks telegram_api_url when notifications are on.
func (c *Config) CheckTelegram() error {
	if c.TelegramAPIKey == "" || len(c.TelegramNotify) == 0 {
		return nil
	}
	for _, t := range c.TelegramNotify {
		if t.ChatID == 0 {
			return &FieldError{Field: "telegram_notify", Msg: "has an entry without chat_id"}
		}
	}
	return checkHTTPURL("telegram_api_url", c.TelegramAPIURL)
}

func checkHTTPURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &FieldError{Field: field, Msg: "must be an http:// or https:// URL"}
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return &FieldError{Field: field, Msg: "must not hold a query, a fragment or credentials"}
	}
	return nil
}
