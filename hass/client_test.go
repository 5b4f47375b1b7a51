package hass

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const haToken = "ha-long-lived-token"

func TestClientReload(t *testing.T) {
	ha := newFakeHA(t, haToken)
	if err := NewClient(ha.URL()+"/", haToken).Reload(context.Background()); err != nil {
		t.Fatalf("Reload() = %v", err)
	}
	if ha.reloadCount() != 1 || ha.requests[0] != "POST "+ReloadPath {
		t.Errorf("requests = %v, want one POST %s", ha.requests, ReloadPath)
	}
}

func TestClientRefused(t *testing.T) {
	tests := []struct {
		name     string
		token    string
		status   int
		wantCode int
	}{
		{name: "wrong token", token: "wrong-token", wantCode: 401},
		{name: "server error", token: haToken, status: 500, wantCode: 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha := newFakeHA(t, haToken)
			ha.reloadStatus = tt.status
			err := NewClient(ha.URL(), tt.token).Reload(context.Background())
			var se *StatusError
			if !errors.Is(err, ErrRefused) || !errors.As(err, &se) || se.Code != tt.wantCode {
				t.Fatalf("Reload() = %v, want a refusal with %d", err, tt.wantCode)
			}
			if strings.Contains(err.Error(), tt.token) {
				t.Errorf("Reload() error %q quotes the token", err)
			}
		})
	}
}

func TestClientUnreachable(t *testing.T) {
	ha := newFakeHA(t, haToken)
	url := ha.URL()
	ha.srv.Close()
	err := NewClient(url, haToken).Reload(context.Background())
	if !errors.Is(err, ErrUnreachable) || strings.Contains(err.Error(), haToken) {
		t.Fatalf("Reload() = %v, want ErrUnreachable without the token", err)
	}
}

// TestClientNoRedirect checks that the token is not carried to wherever a
// redirect points.
func TestClientNoRedirect(t *testing.T) {
	got := make(chan string, 1)
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r.Header.Get("Authorization")
	}))
	defer other.Close()
	redirect := httptest.NewServer(http.RedirectHandler(other.URL+ReloadPath, http.StatusTemporaryRedirect))
	defer redirect.Close()
	err := NewClient(redirect.URL, haToken).Reload(context.Background())
	if !errors.Is(err, ErrRefused) {
		t.Errorf("Reload() through a redirect = %v, want ErrRefused", err)
	}
	select {
	case auth := <-got:
		t.Errorf("the redirect target was called, with Authorization %q", auth)
	default:
	}
}

func TestClientAutomationState(t *testing.T) {
	other := map[string]any{"entity_id": "script.door", "state": "off",
		"attributes": map[string]any{"id": "door", "friendly_name": alias}}
	numericID := automationEntity("", alias, "on")
	numericID["attributes"].(map[string]any)["id"] = int64(1718031055021)
	tests := []struct {
		name    string
		states  []map[string]any
		a       Automation
		want    string
		wantErr error
	}{
		{name: "by id", a: Automation{ID: "door", Alias: alias},
			states: []map[string]any{other, automationEntity("door", "Renamed", "on")}, want: "on"},
		{name: "by name without id", a: Automation{Alias: alias},
			states: []map[string]any{automationEntity("", alias, "off")}, want: "off"},
		{name: "unavailable", a: Automation{ID: "door", Alias: alias},
			states: []map[string]any{automationEntity("door", alias, "unavailable")}, want: "unavailable"},
		{name: "id differs", a: Automation{ID: "door", Alias: alias},
			states: []map[string]any{other, automationEntity("1718", alias, "on")}, wantErr: ErrEntityMissing},
		{name: "numeric id attribute", a: Automation{ID: "1718031055021", Alias: alias},
			states: []map[string]any{numericID}, want: "on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ha := newFakeHA(t, haToken)
			ha.states = func(int) []map[string]any { return tt.states }
			got, err := NewClient(ha.URL(), haToken).AutomationState(context.Background(), tt.a)
			if !errors.Is(err, tt.wantErr) || got != tt.want {
				t.Fatalf("AutomationState() = %q, %v; want %q, %v", got, err, tt.want, tt.wantErr)
			}
			if ha.requests[0] != "GET "+StatesPath {
				t.Errorf("requests = %v, want GET %s", ha.requests, StatesPath)
			}
		})
	}
}
