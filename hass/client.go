package hass

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Reloader is what this package needs from Home Assistant.
type Reloader interface {
	// Reload asks Home Assistant to read its automations again.
	Reload(ctx context.Context) error
	// AutomationState returns the state of a's entity: the automation
	// entity whose id attribute is a.ID, or, when a has no id, whose
	// friendly name is a.Alias. It returns ErrEntityMissing when there is
	// none.
	AutomationState(ctx context.Context, a Automation) (string, error)
}

// Errors from talking to Home Assistant; test them with errors.Is.
var (
	ErrUnreachable       = errors.New("Home Assistant is unreachable")
	ErrRefused           = errors.New("Home Assistant refused the request")
	ErrEntityMissing     = errors.New("the automation's entity is missing after the reload")
	ErrEntityUnavailable = errors.New("the automation's entity is unavailable after the reload")
)

// StatusError is an answer other than 2xx. It matches ErrRefused.
type StatusError struct {
	Method, Path string
	Code         int
	// Detail is the start of the answer's body, on one line.
	Detail string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: Home Assistant answered %d %s", e.Method, e.Path, e.Code, http.StatusText(e.Code))
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap makes a StatusError match ErrRefused.
func (e *StatusError) Unwrap() error { return ErrRefused }

// API paths of Home Assistant's REST API.
const (
	ReloadPath = "/api/services/automation/reload"
	StatesPath = "/api/states"
)

// Limits on what is read from Home Assistant: /api/states lists every
// entity and can run to megabytes on a big installation.
const (
	maxStatesBody = 64 << 20
	maxErrorBody  = 512
	// requestTimeout bounds each request; a reload of many automations
	// takes seconds, not minutes.
	requestTimeout = time.Minute
)

// Client is the Reloader that talks to Home Assistant's REST API with a
// bearer token.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// NewClient returns a Client for the API at baseURL (http://host:8123, or
// http://supervisor/core inside an add-on). Redirects are not followed,
// so that the token goes to no other address.
func NewClient(baseURL, token string) *Client {
	return &Client{
		base:  strings.TrimRight(baseURL, "/"),
		token: token,
		hc: &http.Client{
			Timeout: requestTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
}

// Reload calls the automation.reload service.
func (c *Client) Reload(ctx context.Context) error {
	resp, err := c.do(ctx, http.MethodPost, ReloadPath, []byte("{}"))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxStatesBody))
	return nil
}

// entity is the part of one /api/states entry that is looked at.
type entity struct {
	EntityID   string `json:"entity_id"`
	State      string `json:"state"`
	Attributes struct {
		ID           json.RawMessage `json:"id"`
		FriendlyName string          `json:"friendly_name"`
	} `json:"attributes"`
}

// AutomationState reads /api/states and finds a's entity.
func (c *Client) AutomationState(ctx context.Context, a Automation) (string, error) {
	resp, err := c.do(ctx, http.MethodGet, StatesPath, nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var states []entity
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxStatesBody)).Decode(&states); err != nil {
		return "", fmt.Errorf("GET %s: read the answer: %w", StatesPath, err)
	}
	for _, e := range states {
		if matches(e, a) {
			return e.State, nil
		}
	}
	return "", ErrEntityMissing
}

func matches(e entity, a Automation) bool {
	if !strings.HasPrefix(e.EntityID, "automation.") {
		return false
	}
	if a.ID == "" {
		return e.Attributes.FriendlyName == a.Alias
	}
	var id string
	if json.Unmarshal(e.Attributes.ID, &id) != nil {
		id = string(e.Attributes.ID) // a number, written as it came
	}
	return id == a.ID
}

// do sends one request and returns a 2xx answer; anything else is an
// error that never quotes the token.
func (c *Client) do(ctx context.Context, method, path string, body []byte) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %v", method, path, ErrUnreachable, err)
	}
	if resp.StatusCode/100 != 2 {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		return nil, &StatusError{Method: method, Path: path, Code: resp.StatusCode, Detail: oneLine(string(b))}
	}
	return resp, nil
}

// oneLine makes an answer's body safe to show in a log line or a message.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || !unicode.IsPrint(r) {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}
