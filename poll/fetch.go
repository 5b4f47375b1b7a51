package poll

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Limits on what a server may send. A hostile or broken server must not be
// able to fill the memory or the disk of a consumer.
//
// A version of 2,000 accounts is about 1 MB (an account with a VPN peer, a
// few fee payments and an SSH key is about 500 bytes), so MaxVersionBytes
// leaves a factor of 30. A dump of 10,000 such versions is about 10 GB, and
// JSON string escaping of the quotes adds about a fifth: MaxDumpBytes
// leaves room for that. The dump is streamed entry by entry and only new
// versions are kept, on disk, so memory stays bounded by the entry limit.
// The check_timeout bounds the time: a first sync of a very long history
// needs a longer one.
const (
	MaxVersionBytes = 32 << 20
	MaxDumpBytes    = 16 << 30
	// maxEntryBytes bounds the encoded text of one dump entry, whose
	// escapes can make it several times longer than the version.
	maxEntryBytes = 4 * MaxVersionBytes
)

// limits are the bounds in force; tests lower them.
var limits = struct{ version, dump, entry int64 }{MaxVersionBytes, MaxDumpBytes, maxEntryBytes}

// errTooLarge is what a reader over its limit returns.
var errTooLarge = errors.New("response too large")

// errSinceUnknown means the server does not know the version we asked
// for with ?since=.
var errSinceUnknown = errors.New("the server does not know the local head")

// client talks to the resident service.
type client struct {
	base string // without a trailing /accounts
	key  string
	http *http.Client
}

// baseURL accepts the service's base URL or its /accounts URL.
func baseURL(s string) string {
	s = strings.TrimRight(s, "/")
	s = strings.TrimSuffix(s, "/accounts")
	return strings.TrimRight(s, "/")
}

func (c *client) get(ctx context.Context, path string, header http.Header) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("User-Agent", "resident-poll")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", path, err)
	}
	return resp, nil
}

// accounts fetches the head. It returns nil bytes for 304 Not Modified.
func (c *client) accounts(ctx context.Context, etag string) ([]byte, error) {
	h := http.Header{}
	if etag != "" {
		h.Set("If-None-Match", `"`+etag+`"`)
	}
	resp, err := c.get(ctx, "/accounts", h)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, nil
	case http.StatusOK:
	default:
		return nil, statusError(resp)
	}
	body, err := readLimited(resp.Body, limits.version)
	if err != nil {
		return nil, fmt.Errorf("read /accounts: %w", err)
	}
	return body, nil
}

// dump opens /dump, with ?since= when since is set. The caller closes the
// body, which is limited to MaxDumpBytes.
func (c *client) dump(ctx context.Context, since string) (io.ReadCloser, error) {
	path := "/dump"
	if since != "" {
		path += "?since=" + url.QueryEscape(since)
	}
	resp, err := c.get(ctx, path, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound && since != "" {
		resp.Body.Close()
		return nil, errSinceUnknown
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		return nil, statusError(resp)
	}
	return readCloser{newLimitReader(resp.Body, limits.dump, ""), resp.Body}, nil
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	return io.ReadAll(newLimitReader(r, limit, ""))
}

// limitReader fails with errTooLarge once more than limit bytes were read
// since it was made or last reset, rather than stopping quietly as
// io.LimitReader does, so that a cut body is never taken for a whole one.
// Reset between the entries of a dump, it bounds each entry, which the
// dump decoder holds in memory whole. what, when set, names in the error
// what was too large.
type limitReader struct {
	r     io.Reader
	limit int64
	left  int64
	what  string
}

func newLimitReader(r io.Reader, limit int64, what string) *limitReader {
	return &limitReader{r: r, limit: limit, left: limit, what: what}
}

func (l *limitReader) reset() { l.left = l.limit }

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Probe: input that ends exactly at the limit is fine.
		var b [1]byte
		n, err := l.r.Read(b[:])
		if n > 0 {
			return 0, l.tooLarge()
		}
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

func (l *limitReader) tooLarge() error {
	if l.what == "" {
		return errTooLarge
	}
	return fmt.Errorf("%s is over %d bytes: %w", l.what, l.limit, errTooLarge)
}

type readCloser struct {
	io.Reader
	io.Closer
}
