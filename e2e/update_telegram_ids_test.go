package e2e

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/xecut/resident/notify/notifytest"
)

const (
	hassHAToken  = "e2e-long-lived-token"
	hassBotToken = "123456:e2e-bot-token"
	doorAlias    = "Record on CODE"
)

// haFake plays Home Assistant's REST API for the binary: it checks the
// bearer token, the method, the path and the content type as the real one
// does, and lists one live automation whose id is the editor file's.
type haFake struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []string
}

func newHAFake(tb testing.TB) *haFake {
	tb.Helper()
	f := &haFake{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+hassHAToken {
			http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
			return
		}
		f.mu.Lock()
		f.seen = append(f.seen, r.Method+" "+r.URL.Path)
		f.mu.Unlock()
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/services/automation/reload" && mt == "application/json":
			w.Write([]byte("[]"))
		case r.Method == http.MethodGet && r.URL.Path == "/api/states":
			json.NewEncoder(w).Encode([]map[string]any{{"entity_id": "automation.record_on_code", "state": "on",
				"attributes": map[string]any{"id": "1718031055021", "friendly_name": doorAlias}}})
		default:
			http.Error(w, "400: Bad Request", http.StatusBadRequest)
		}
	}))
	tb.Cleanup(f.srv.Close)
	return f
}

func (f *haFake) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

// hassSetup makes a data folder with last.json, an automations file as
// Home Assistant's editor writes it, and a config pointing at the fakes.
func hassSetup(tb testing.TB, haURL, token, botURL string) (dir, cfg, automations string) {
	tb.Helper()
	dir = tb.TempDir()
	data := filepath.Join(dir, "data")
	if err := os.Mkdir(data, 0o755); err != nil {
		tb.Fatal(err)
	}
	writeLast(tb, data,
		map[string]any{"username": "Alice", "telegram": "alice_k", "otp_prefix": "0123",
			"decentrala": false, "resident": true},
		map[string]any{"username": "Mina", "telegram": "3787093963", "otp_prefix": "7",
			"decentrala": false, "resident": true})
	src, err := os.ReadFile("../hass/testdata/editor.in.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	automations = filepath.Join(dir, "automations.yaml")
	if err := os.WriteFile(automations, src, 0o644); err != nil {
		tb.Fatal(err)
	}
	c := map[string]any{"hass_automations_path": automations, "hass_url": haURL, "hass_token": token,
		"telegram_api_key": hassBotToken, "telegram_api_url": botURL,
		"telegram_notify": []map[string]any{{"chat_id": -1001234567890}}}
	b, _ := json.Marshal(c)
	cfg = filepath.Join(dir, "config.json")
	if err := os.WriteFile(cfg, b, 0o600); err != nil {
		tb.Fatal(err)
	}
	return dir, cfg, automations
}

// runHass runs the binary the way the poller runs its update command:
// the data folder and last.json come in RESIDENT_DATA and RESIDENT_LAST.
func runHass(tb testing.TB, dir, cfg string) (code int, stderr string) {
	tb.Helper()
	cmd := exec.Command(residentBinary(tb), "update-telegram-ids", "--config", cfg)
	cmd.Env = append(hassEnv(), "RESIDENT_DATA="+filepath.Join(dir, "data"),
		"RESIDENT_LAST="+filepath.Join(dir, "data", "last.json"))
	var errb bytes.Buffer
	cmd.Stderr = &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), errb.String()
	}
	if err != nil {
		tb.Fatal(err)
	}
	return 0, errb.String()
}

// hassEnv drops the variables that would point the binary elsewhere.
func hassEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "RESIDENT_") && !strings.HasPrefix(kv, "SUPERVISOR_TOKEN=") {
			env = append(env, kv)
		}
	}
	return env
}

func TestUpdateTelegramIDs(t *testing.T) {
	ha, bot := newHAFake(t), notifytest.NewFakeBotAPI(t, hassBotToken)
	dir, cfg, automations := hassSetup(t, ha.srv.URL, hassHAToken, bot.URL())
	before, _ := os.ReadFile(automations)

	code, stderr := runHass(t, dir, cfg)
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	after, _ := os.ReadFile(automations)
	wantBlock := "      uid_map:\n        '0123': 'alice_k'\n        '7': '3787093963'\n      code:"
	if !strings.Contains(string(after), wantBlock) {
		t.Errorf("automations file lacks the new block %q:\n%s", wantBlock, after)
	}
	if got, want := len(strings.Split(string(after), "\n")), len(strings.Split(string(before), "\n"))-1; got != want {
		t.Errorf("file has %d lines, want %d (3 entries became 2)", got, want)
	}
	wantReqs := "POST /api/services/automation/reload,GET /api/states"
	if got := strings.Join(ha.requests(), ","); got != wantReqs {
		t.Errorf("Home Assistant saw %s, want %s", got, wantReqs)
	}

	// Again with the same data: no write and no reload.
	if code, stderr := runHass(t, dir, cfg); code != 0 || len(ha.requests()) != 2 {
		t.Errorf("second run: exit %d, requests %v, stderr:\n%s", code, ha.requests(), stderr)
	}
	if len(bot.Sent()) != 0 {
		t.Errorf("Telegram got %v on success", bot.Sent())
	}
}

func TestUpdateTelegramIDsFailures(t *testing.T) {
	tests := []struct {
		name     string
		token    string
		edit     func(automations string)
		wantErr  string
		wantHint string
		wantSame bool // the automations file is left as it was
	}{
		{name: "token refused", token: "expired-token", wantErr: "401 Unauthorized",
			wantHint: "hint: check hass_token"},
		{name: "alias absent", token: hassHAToken, wantSame: true, wantErr: "no automation has this alias",
			edit: func(p string) {
				b, _ := os.ReadFile(p)
				os.WriteFile(p, bytes.ReplaceAll(b, []byte("alias: Record on CODE"), []byte("alias: Door")), 0o644)
			}},
		{name: "entity id differs", token: hassHAToken,
			wantErr:  `no automation entity in /api/states has attributes.id "1718031055099"`,
			wantHint: "hint: if an automation entity with that name exists, its id differs",
			edit: func(p string) {
				b, _ := os.ReadFile(p)
				os.WriteFile(p, bytes.ReplaceAll(b, []byte("1718031055021"), []byte("1718031055099")), 0o644)
			}},
		{name: "automations file missing", token: hassHAToken, wantErr: "no such file",
			edit: func(p string) { os.Remove(p) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha, bot := newHAFake(t), notifytest.NewFakeBotAPI(t, hassBotToken)
			dir, cfg, automations := hassSetup(t, ha.srv.URL, tt.token, bot.URL())
			if tt.edit != nil {
				tt.edit(automations)
			}
			before, _ := os.ReadFile(automations)
			code, stderr := runHass(t, dir, cfg)
			if code != 1 || !strings.Contains(stderr, "resident: error: ") || !strings.Contains(stderr, tt.wantErr) ||
				!strings.Contains(stderr, tt.wantHint) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 saying %q and %q", code, stderr, tt.wantErr, tt.wantHint)
			}
			if after, _ := os.ReadFile(automations); tt.wantSame && !bytes.Equal(before, after) {
				t.Errorf("the automations file changed:\n%s", after)
			}
			sent := bot.Sent()
			if len(sent) != 1 || !strings.Contains(sent[0].Text, "update-telegram-ids") {
				t.Fatalf("Telegram got %+v, want one failure notice", sent)
			}
			for _, s := range []string{stderr, sent[0].Text} {
				if strings.Contains(s, tt.token) || strings.Contains(s, hassHAToken) {
					t.Errorf("a token leaked into %q", s)
				}
			}
		})
	}
}

// TestUpdateTelegramIDsConfigMistakes checks that a mistake in the config
// file is a usage error (exit 2) that names the field, before the binary
// touches the automations file or Home Assistant.
func TestUpdateTelegramIDsConfigMistakes(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(c map[string]any)
		wantErr string
	}{
		{name: "no token outside an add-on", wantErr: `field "hass_token" is required`,
			edit: func(c map[string]any) { delete(c, "hass_token"); delete(c, "hass_url") }},
		{name: "a typo in a field name", wantErr: `field "hass_tokn" is not a known field`,
			edit: func(c map[string]any) { c["hass_tokn"] = "x" }},
		{name: "a wrong type", wantErr: `"hass_url"`,
			edit: func(c map[string]any) { c["hass_url"] = 5 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha, bot := newHAFake(t), notifytest.NewFakeBotAPI(t, hassBotToken)
			dir, cfg, automations := hassSetup(t, ha.srv.URL, hassHAToken, bot.URL())
			editConfig(t, cfg, tt.edit)
			before, _ := os.ReadFile(automations)
			code, stderr := runHass(t, dir, cfg)
			if code != 2 || !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 saying %q", code, stderr, tt.wantErr)
			}
			if after, _ := os.ReadFile(automations); !bytes.Equal(before, after) {
				t.Errorf("the automations file changed:\n%s", after)
			}
			if reqs := ha.requests(); len(reqs) != 0 {
				t.Errorf("Home Assistant saw %v after a config mistake", reqs)
			}
		})
	}
}

// editConfig rewrites the config file at path through edit.
func editConfig(tb testing.TB, path string, edit func(map[string]any)) {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	c := map[string]any{}
	if err := json.Unmarshal(b, &c); err != nil {
		tb.Fatal(err)
	}
	edit(c)
	if b, err = json.Marshal(c); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		tb.Fatal(err)
	}
}
