package hass

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// fakeHA plays Home Assistant's REST API the way the real one answers:
// 401 without the right bearer token, 405 for a wrong method, 400 for a
// service call whose body is not a JSON object, and the entity list on
// /api/states.
type fakeHA struct {
	tb    testing.TB
	token string
	srv   *httptest.Server

	mu           sync.Mutex
	requests     []string // "METHOD /path" of every request that passed the token check
	reloads      int
	statesCalls  int
	reloadStatus int // when not 0, the answer to every reload
	// states returns the entity list for the n-th GET /api/states,
	// counted from 1; by default, one live automation with id door.
	states func(n int) []map[string]any
	// onReload runs on every accepted reload, before it is answered.
	onReload func()
}

func newFakeHA(tb testing.TB, token string) *fakeHA {
	tb.Helper()
	f := &fakeHA{tb: tb, token: token}
	f.states = func(int) []map[string]any { return []map[string]any{automationEntity("door", alias, "on")} }
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	tb.Cleanup(f.srv.Close)
	return f
}

func automationEntity(id, name, state string) map[string]any {
	attrs := map[string]any{"friendly_name": name, "last_triggered": nil, "mode": "queued"}
	if id != "" {
		attrs["id"] = id
	}
	return map[string]any{"entity_id": "automation.record_on_code", "state": state, "attributes": attrs}
}

func (f *fakeHA) URL() string { return f.srv.URL }

func (f *fakeHA) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+f.token {
		http.Error(w, "401: Unauthorized", http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path)
	switch r.URL.Path {
	case ReloadPath:
		f.reload(w, r)
	case StatesPath:
		if r.Method != http.MethodGet {
			http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
			return
		}
		f.statesCalls++
		writeJSON(w, f.states(f.statesCalls))
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeHA) reload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "405: Method Not Allowed", http.StatusMethodNotAllowed)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		http.Error(w, `{"message":"Data should be valid JSON."}`, http.StatusBadRequest)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var obj map[string]any
	if len(body) > 0 && json.Unmarshal(body, &obj) != nil {
		http.Error(w, `{"message":"Data should be valid JSON."}`, http.StatusBadRequest)
		return
	}
	if f.reloadStatus != 0 {
		http.Error(w, "500 Internal Server Error", f.reloadStatus)
		return
	}
	f.reloads++
	if f.onReload != nil {
		f.onReload()
	}
	writeJSON(w, []any{})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakeHA) reloadCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reloads
}

func (f *fakeHA) set(fn func(f *fakeHA)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}
