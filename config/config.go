// Package config reads the JSON file shared by every consumer of the
// account data (poll, update-vpn, update-telegram-ids). It knows every field
// any of them uses, so a typo is an error; each subcommand then checks only
// the fields it needs.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"reflect"
	"slices"
	"strings"
	"time"
)

// Config is the whole file. Optional fields hold their defaults after Load.
type Config struct {
	// poll
	StorageURL       string   `json:"resident_storage_url"`
	StorageAPIKey    string   `json:"resident_storage_api_key"`
	StrictValidation *bool    `json:"strict_validation"`
	OnUpdateCommand  string   `json:"on_update_command"`
	UpdateTimeout    Duration `json:"update_timeout"`
	CheckTimeout     Duration `json:"check_timeout"`

	// Telegram notifications, used by every consumer
	TelegramAPIKey string   `json:"telegram_api_key"`
	TelegramAPIURL string   `json:"telegram_api_url"`
	TelegramNotify []Target `json:"telegram_notify"`

	// update-vpn
	VPNPrivateKey     string `json:"vpn_private_key"`
	VPNPort           int    `json:"vpn_port"`
	VPNAdminIP        string `json:"vpn_admin_ip"`
	VPNAdminPublicKey string `json:"vpn_admin_public_key"`
	VPNConfigPath     string `json:"vpn_config_path"`
	VPNReloadCommand  string `json:"vpn_reload_command"`

	// update-telegram-ids
	HassAutomationsPath string `json:"hass_automations_path"`
	HassAutomationAlias string `json:"hass_automation_alias"`
	HassURL             string `json:"hass_url"`
	HassToken           string `json:"hass_token"`

	// present records which fields the file set, so that a check can tell
	// a missing field from a zero one.
	present map[string]bool
}

// Target is a chat to notify, and optionally a forum topic in it.
type Target struct {
	ChatID  int64 `json:"chat_id"`
	TopicID int   `json:"topic_id,omitempty"`
}

// Defaults for optional fields.
const (
	DefaultTelegramAPIURL      = "https://api.telegram.org"
	DefaultTimeout             = 5 * time.Minute
	DefaultVPNConfigPath       = "/etc/wireguard/wg0.conf"
	DefaultVPNReloadCommand    = "service wg-quick@wg0 reload"
	DefaultHassAutomationsPath = "/homeassistant/automations.yaml"
	DefaultHassAutomationAlias = "Record on CODE"
	DefaultHassURL             = "http://supervisor/core"
)

// Strict tells whether a transition that does not verify must be refused.
// It is on unless the file turns it off.
func (c *Config) Strict() bool {
	return c.StrictValidation == nil || *c.StrictValidation
}

// Has tells whether the file set the field with this JSON name to something
// other than null or an empty string.
func (c *Config) Has(field string) bool { return c.present[field] }

// Load reads and decodes the config file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	c, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return c, nil
}

// Parse decodes a config file and fills in defaults. Unknown fields are
// errors that name the field.
func Parse(data []byte) (*Config, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if err := exactNames(raw); err != nil {
		return nil, err
	}
	for _, f := range []string{"update_timeout", "check_timeout"} {
		if v, ok := raw[f]; ok {
			var d Duration
			if err := d.UnmarshalJSON(v); err != nil {
				return nil, &FieldError{Field: f, Msg: err.Error()}
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	c := &Config{}
	if err := dec.Decode(c); err != nil {
		return nil, decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON object")
	}
	c.present = make(map[string]bool, len(raw))
	for k, v := range raw {
		c.present[k] = string(v) != `""` && string(v) != "null"
	}
	c.setDefaults()
	return c, nil
}

// exactNames reports a field whose name is known only in another case:
// encoding/json would take "Telegram_API_Key" for telegram_api_key, and
// Has and Require would then call the field missing.
func exactNames(raw map[string]json.RawMessage) error {
	if err := known(raw, reflect.TypeFor[Config](), ""); err != nil {
		return err
	}
	var targets []map[string]json.RawMessage
	if json.Unmarshal(raw["telegram_notify"], &targets) != nil {
		return nil // not a list of objects: the decoder names the field
	}
	for i, t := range targets {
		if err := known(t, reflect.TypeFor[Target](), fmt.Sprintf("telegram_notify[%d].", i)); err != nil {
			return err
		}
	}
	return nil
}

// known returns a FieldError for the first key, in sorted order, that is
// not the exact JSON name of a field of typ.
func known(obj map[string]json.RawMessage, typ reflect.Type, prefix string) error {
	names := make(map[string]bool, typ.NumField())
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		names[name] = true
	}
	keys := slices.Sorted(maps.Keys(obj))
	for _, k := range keys {
		if !names[k] {
			return &FieldError{Field: prefix + k, Msg: "is not a known field (check the spelling)"}
		}
	}
	return nil
}

func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &FieldError{Field: te.Field, Msg: "must be " + describeType(te.Type.String())}
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &FieldError{Field: strings.Trim(f, `"`), Msg: "is not a known field (check the spelling)"}
	}
	return err
}

func describeType(t string) string {
	switch t {
	case "string", "config.Duration":
		return "a string"
	case "int", "int64":
		return "a whole number"
	case "bool", "*bool":
		return "true or false"
	}
	return "of type " + t
}

func (c *Config) setDefaults() {
	if c.TelegramAPIURL == "" {
		c.TelegramAPIURL = DefaultTelegramAPIURL
	}
	if c.UpdateTimeout == 0 {
		c.UpdateTimeout = Duration(DefaultTimeout)
	}
	if c.CheckTimeout == 0 {
		c.CheckTimeout = Duration(DefaultTimeout)
	}
	if c.VPNConfigPath == "" {
		c.VPNConfigPath = DefaultVPNConfigPath
	}
	if c.VPNReloadCommand == "" {
		c.VPNReloadCommand = DefaultVPNReloadCommand
	}
	if c.HassAutomationsPath == "" {
		c.HassAutomationsPath = DefaultHassAutomationsPath
	}
	if c.HassAutomationAlias == "" {
		c.HassAutomationAlias = DefaultHassAutomationAlias
	}
}

// FieldError names the config field that is missing or wrong.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("field %q %s", e.Field, e.Msg)
}

// Require returns a FieldError for the first of fields that the file did
// not set, or set to null or an empty string.
func (c *Config) Require(fields ...string) error {
	for _, f := range fields {
		if !c.present[f] {
			return &FieldError{Field: f, Msg: "is required"}
		}
	}
	return nil
}

// Duration is a time span written as a Go duration string such as "5m" or
// "90s". Parse turns a bad one into a FieldError naming the field.
type Duration time.Duration

// UnmarshalJSON reads "5m"-style strings; a span must be positive.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // null means unset, as for every other field
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errBadDuration
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return errBadDuration
	}
	*d = Duration(v)
	return nil
}

var errBadDuration = errors.New(`must be a positive duration such as "5m" or "90s"`)

// Std returns the span as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }
