package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/xecut/resident/config"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		wantField string // the field a *config.FieldError names; "" for another error
		wantMsg   string
	}{
		{"unknown field", `{"resident_storage_url":"http://127.0.0.1","telegram_api_token":"x"}`,
			"telegram_api_token", "not a known field"},
		{"field in another case",
			`{"Telegram_API_Key":"x"}`, "Telegram_API_Key", "not a known field"},
		{"unknown fields, first in order", `{"zzz":1,"aaa":2}`, "aaa", "not a known field"},
		{"unknown target field", `{"telegram_notify":[{"chat_id":1},{"chat_id":2,"topic":3}]}`,
			"telegram_notify[1].topic", "not a known field"},
		{"target field in another case", `{"telegram_notify":[{"Chat_ID":1}]}`,
			"telegram_notify[0].Chat_ID", "not a known field"},
		{"string for a number", `{"vpn_port":"51820"}`, "vpn_port", "must be a whole number"},
		{"fraction for a number", `{"vpn_port":51820.5}`, "vpn_port", "whole number"},
		{"number for a string",
			`{"resident_storage_url":8000}`, "resident_storage_url", "must be a string"},
		{"string for a boolean",
			`{"strict_validation":"false"}`, "strict_validation", "true or false"},
		{"chat id a string",
			`{"telegram_notify":[{"chat_id":"-100"}]}`, "telegram_notify.chat_id", "whole number"},
		{"targets an object", `{"telegram_notify":{"chat_id":1}}`, "telegram_notify", "must be"},
		{"duration a number", `{"update_timeout":300}`, "update_timeout", "positive duration"},
		{"duration without unit", `{"check_timeout":"300"}`, "check_timeout", `such as "5m"`},
		{"duration zero", `{"check_timeout":"0s"}`, "check_timeout", "positive"},
		{"duration negative", `{"update_timeout":"-5m"}`, "update_timeout", "positive"},
		{"duration garbage", `{"update_timeout":"soon"}`, "update_timeout", "positive duration"},
		{"not an object", `[]`, "", "not a JSON object"},
		{"not JSON", `{"vpn_port":`, "", "not a JSON object"},
		{"empty", ``, "", "not a JSON object"},
		{"trailing data", `{} {}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := config.Parse([]byte(tt.input))
			if err == nil {
				t.Fatalf("Parse(%s) = %+v, want an error", tt.input, c)
			}
			var fe *config.FieldError
			if tt.wantField == "" {
				if errors.As(err, &fe) {
					t.Errorf("Parse(%s) = %v, want an error about the whole file", tt.input, err)
				}
			} else if !errors.As(err, &fe) || fe.Field != tt.wantField {
				t.Fatalf("Parse(%s) = %v, want a FieldError naming %q", tt.input, err, tt.wantField)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Parse(%s) = %q, want it to mention %q", tt.input, err, tt.wantMsg)
			}
			if tt.wantField != "" && !strings.Contains(err.Error(), `"`+tt.wantField+`"`) {
				t.Errorf("Parse(%s) = %q, want the field quoted in the message", tt.input, err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := config.Parse([]byte(`{}`))
	if err != nil {
		t.Fatalf("Parse({}) = %v", err)
	}
	got := map[string]any{
		"telegram_api_url":      c.TelegramAPIURL,
		"update_timeout":        c.UpdateTimeout.Std(),
		"check_timeout":         c.CheckTimeout.Std(),
		"vpn_config_path":       c.VPNConfigPath,
		"vpn_reload_command":    c.VPNReloadCommand,
		"hass_automations_path": c.HassAutomationsPath,
		"hass_automation_alias": c.HassAutomationAlias,
		"strict":                c.Strict(),
	}
	want := map[string]any{
		"telegram_api_url":      "https://api.telegram.org",
		"update_timeout":        5 * time.Minute,
		"check_timeout":         5 * time.Minute,
		"vpn_config_path":       "/etc/wireguard/wg0.conf",
		"vpn_reload_command":    "service wg-quick@wg0 reload",
		"hass_automations_path": "/homeassistant/automations.yaml",
		"hass_automation_alias": "Record on CODE",
		"strict":                true,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestValuesKept(t *testing.T) {
	c, err := config.Parse([]byte(`{
		"resident_storage_url": "http://127.0.0.1:8000",
		"update_timeout": "90s", "check_timeout": "1h30m",
		"telegram_api_url": "http://127.0.0.1:9000",
		"telegram_notify": [{"chat_id": -1001234567890, "topic_id": 7}, {"chat_id": 42}],
		"vpn_port": 51820, "vpn_config_path": "/tmp/wg0.conf",
		"hass_automation_alias": "Door"
	}`))
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	if c.UpdateTimeout.Std() != 90*time.Second || c.CheckTimeout.Std() != 90*time.Minute {
		t.Errorf("timeouts = %v, %v, want 90s, 1h30m", c.UpdateTimeout.Std(), c.CheckTimeout.Std())
	}
	if c.TelegramAPIURL != "http://127.0.0.1:9000" || c.VPNPort != 51820 || c.VPNConfigPath != "/tmp/wg0.conf" ||
		c.HassAutomationAlias != "Door" || c.StorageURL != "http://127.0.0.1:8000" {
		t.Errorf("Parse lost a value: %+v", c)
	}
	want := []config.Target{{ChatID: -1001234567890, TopicID: 7}, {ChatID: 42}}
	if diff := cmp.Diff(want, c.TelegramNotify); diff != "" {
		t.Errorf("telegram_notify (-want +got):\n%s", diff)
	}
}

func TestStrict(t *testing.T) {
	tests := []struct {
		input string
		want  bool
	}{
		{`{}`, true},
		{`{"strict_validation":null}`, true},
		{`{"strict_validation":true}`, true},
		{`{"strict_validation":false}`, false},
	}
	for _, tt := range tests {
		c, err := config.Parse([]byte(tt.input))
		if err != nil {
			t.Fatalf("Parse(%s) = %v", tt.input, err)
		}
		if got := c.Strict(); got != tt.want {
			t.Errorf("Parse(%s).Strict() = %v, want %v", tt.input, got, tt.want)
		}
	}
}

func TestRequireAndHas(t *testing.T) {
	c, err := config.Parse([]byte(`{"resident_storage_url":"http://127.0.0.1:8000","resident_storage_api_key":"",
		"telegram_api_key":null,"vpn_port":0,"update_timeout":null}`))
	if err != nil {
		t.Fatalf("Parse = %v", err)
	}
	tests := []struct {
		name      string
		fields    []string
		wantField string
	}{
		{"nothing", nil, ""},
		{"set", []string{"resident_storage_url"}, ""},
		{"zero number is set", []string{"vpn_port"}, ""},
		{"empty string",
			[]string{"resident_storage_url", "resident_storage_api_key"}, "resident_storage_api_key"},
		{"null", []string{"telegram_api_key"}, "telegram_api_key"},
		{"absent", []string{"hass_token"}, "hass_token"},
		{"first missing named", []string{"hass_url", "hass_token"}, "hass_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Require(tt.fields...)
			var fe *config.FieldError
			switch {
			case tt.wantField == "" && err != nil:
				t.Errorf("Require(%v) = %v, want nil", tt.fields, err)
			case tt.wantField != "" && (!errors.As(err, &fe) || fe.Field != tt.wantField):
				t.Errorf("Require(%v) = %v, want a FieldError naming %q", tt.fields, err, tt.wantField)
			case tt.wantField != "" && !strings.Contains(err.Error(), "is required"):
				t.Errorf("Require(%v) = %q, want it to say the field is required", tt.fields, err)
			}
		})
	}
	if !c.Has("resident_storage_url") || c.Has("resident_storage_api_key") || c.Has("telegram_api_key") {
		t.Errorf("Has: url %v, empty key %v, null key %v; want true, false, false",
			c.Has("resident_storage_url"), c.Has("resident_storage_api_key"), c.Has("telegram_api_key"))
	}
	if c.UpdateTimeout.Std() != config.DefaultTimeout {
		t.Errorf("update_timeout null = %v, want the default %v", c.UpdateTimeout.Std(), config.DefaultTimeout)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.json")
	if err := os.WriteFile(path, []byte(`{"vpn_port":51820}`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil || c.VPNPort != 51820 {
		t.Fatalf("Load(%s) = %+v, %v", path, c, err)
	}
	if _, err := config.Load(filepath.Join(dir, "absent.json")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Load(absent) = %v, want ErrNotExist", err)
	}
	if err := os.WriteFile(path, []byte(`{"vpn_prot":1}`), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = config.Load(path)
	var fe *config.FieldError
	if !errors.As(err, &fe) || fe.Field != "vpn_prot" || !strings.Contains(err.Error(), path) {
		t.Errorf("Load(typo) = %v, want a FieldError naming vpn_prot, with the path", err)
	}
}
