package poll

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
)

// maxDetail bounds the server's detail text quoted in an error, and
// maxErrorBody how much of an error answer is read to find it.
const (
	maxDetail    = 200
	maxErrorBody = 4 << 10
)

// StatusError is an answer other than the one expected. It names the URL
// asked (which never holds the key: that goes in a header) and quotes the
// server's own {"detail": ...} when it sent one.
type StatusError struct {
	URL    string
	Status string
	Code   int
	Detail string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("GET %s: server answered %s", e.URL, e.Status)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Hint says what to check for the answers a person can fix, or "".
func (e *StatusError) Hint() string {
	switch e.Code {
	case http.StatusUnauthorized:
		return "the server did not take the key: check resident_storage_api_key " +
			"(verify-chain: RESIDENT_KEY or --key)"
	case http.StatusForbidden:
		return "use the read key: the Decentrala election key cannot read /dump"
	case http.StatusNotFound:
		return "resident_storage_url (verify-chain: --url) should be the service's base URL " +
			"or end in /accounts"
	}
	return ""
}

// Hint returns the hint of a StatusError in err's chain, or "".
func Hint(err error) string {
	var se *StatusError
	if errors.As(err, &se) {
		return se.Hint()
	}
	return ""
}

func statusError(resp *http.Response) error {
	u := *resp.Request.URL
	u.User = nil
	return &StatusError{URL: u.String(), Status: resp.Status, Code: resp.StatusCode,
		Detail: readDetail(resp.Body)}
}

// readDetail returns the detail string of a JSON error body, on one line
// and at most maxDetail bytes long.
func readDetail(r io.Reader) string {
	var body struct {
		Detail any `json:"detail"`
	}
	if json.NewDecoder(io.LimitReader(r, maxErrorBody)).Decode(&body) != nil {
		return ""
	}
	s, _ := body.Detail.(string)
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if len(s) > maxDetail {
		s = strings.ToValidUTF8(s[:maxDetail], "") + "…"
	}
	return s
}
