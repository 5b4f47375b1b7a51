package config

import (
	"strings"
	"unicode"
)

// SupervisorTokenEnv names the variable in which the Home Assistant
// Supervisor hands an add-on its API token.
const SupervisorTokenEnv = "SUPERVISOR_TOKEN"

// CheckHass checks the fields update-telegram-ids needs and settles where
// Home Assistant is. Without hass_url it is the Supervisor's proxy,
// DefaultHassURL, reached with hass_token or else the SUPERVISOR_TOKEN
// that getenv returns, as inside an add-on. With hass_url, hass_token is
// required: the Supervisor's token is never sent to any other address.
// HassURL and HassToken hold the result. No message ever quotes a token.
func (c *Config) CheckHass(getenv func(string) string) error {
	if c.HassURL == "" {
		c.HassURL = DefaultHassURL
	}
	if err := checkHTTPURL("hass_url", c.HassURL); err != nil {
		return err
	}
	c.HassURL = strings.TrimRight(c.HassURL, "/")
	if c.HassToken == "" && c.HassURL == DefaultHassURL {
		c.HassToken = getenv(SupervisorTokenEnv)
	}
	switch {
	case c.HassToken == "" && c.HassURL == DefaultHassURL:
		return &FieldError{Field: "hass_token", Msg: "is required: set a long-lived access token, " +
			"or run inside a Home Assistant add-on, where " + SupervisorTokenEnv + " is set"}
	case c.HassToken == "":
		return &FieldError{Field: "hass_token",
			Msg: "is required with hass_url: set a long-lived access token from your Home Assistant profile"}
	case strings.IndexFunc(c.HassToken, badTokenRune) >= 0:
		return &FieldError{Field: "hass_token", Msg: "must be one line without spaces or control characters"}
	}
	if strings.TrimSpace(c.HassAutomationAlias) == "" {
		return &FieldError{Field: "hass_automation_alias", Msg: "must not be blank"}
	}
	return nil
}

func badTokenRune(r rune) bool {
	return unicode.IsSpace(r) || unicode.IsControl(r)
}
