package config

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckHass(t *testing.T) {
	const secret = "s3cr3t-token-value"
	env := func(token string) func(string) string {
		return func(name string) string {
			if name == SupervisorTokenEnv {
				return token
			}
			return ""
		}
	}
	tests := []struct {
		name      string
		json      string
		env       string
		wantURL   string
		wantToken string
		wantErr   string // the field a *FieldError must name
	}{
		{name: "add-on defaults", json: `{}`, env: secret,
			wantURL: "http://supervisor/core", wantToken: secret},
		{name: "token in the file wins over the add-on's", json: `{"hass_token":"` + secret + `"}`, env: "other",
			wantURL: "http://supervisor/core", wantToken: secret},
		{name: "own URL and token", json: `{"hass_url":"http://127.0.0.1:8123/","hass_token":"` + secret + `"}`,
			env: "other", wantURL: "http://127.0.0.1:8123", wantToken: secret},
		{name: "supervisor URL written out", json: `{"hass_url":"http://supervisor/core"}`, env: secret,
			wantURL: "http://supervisor/core", wantToken: secret},
		{name: "no token anywhere", json: `{}`, wantErr: "hass_token"},
		{name: "own URL never gets the supervisor token", json: `{"hass_url":"http://127.0.0.1:8123"}`,
			env: secret, wantErr: "hass_token"},
		{name: "URL not http", json: `{"hass_url":"ftp://ha.local","hass_token":"x"}`, wantErr: "hass_url"},
		{name: "URL with credentials", json: `{"hass_url":"http://u:p@ha.local","hass_token":"x"}`,
			wantErr: "hass_url"},
		{name: "token with a line break", json: `{"hass_token":"` + secret + `\nX-Evil: 1"}`, wantErr: "hass_token"},
		{name: "blank alias", json: `{"hass_token":"x","hass_automation_alias":"  "}`,
			wantErr: "hass_automation_alias"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.json))
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckHass(env(tt.env))
			if tt.wantErr != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.wantErr {
					t.Fatalf("CheckHass() = %v, want a FieldError for %s", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("CheckHass() error %q quotes the token", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CheckHass() = %v, want nil", err)
			}
			if c.HassURL != tt.wantURL || c.HassToken != tt.wantToken {
				t.Errorf("CheckHass() set URL %q token %q, want %q %q", c.HassURL, c.HassToken, tt.wantURL, tt.wantToken)
			}
		})
	}
}

func TestHassDefaults(t *testing.T) {
	c, err := Parse([]byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.HassAutomationsPath != "/homeassistant/automations.yaml" || c.HassAutomationAlias != "Record on CODE" {
		t.Errorf("defaults = %q, %q", c.HassAutomationsPath, c.HassAutomationAlias)
	}
}
