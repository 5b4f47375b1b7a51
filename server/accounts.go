package server

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"syscall"

	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

// getAccounts answers with the head's stored bytes, never re-encoded, so
// that a consumer can hash what it got; the election key sees only the
// decentrala accounts.
func (s *server) getAccounts(c *gin.Context) {
	head := s.store.Head()
	body, tag := head.Bytes, strongTag(head.SHA256)
	if roleFrom(c) == roleElection {
		body, tag = s.electionView(head), weakTag(head.SHA256)
	}
	h := c.Writer.Header()
	h.Set("ETag", tag)
	h.Set("Vary", "Authorization")
	h.Set("Cache-Control", "private, no-cache")
	if inm := parseETags(c.GetHeader("If-None-Match")); inm.set && inm.match(head.SHA256) {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, "application/json", body)
}

// electionView is the head cut down to its decentrala accounts, with the
// stub's meta so that it cannot pass for a version of the chain. It is
// made once per head.
func (s *server) electionView(head chain.Head) []byte {
	if v := s.election.Load(); v != nil && v.head == head.SHA256 {
		return v.body
	}
	body := cutForElection(head)
	s.election.Store(&view{head: head.SHA256, body: body})
	return body
}

// view is an answer derived from the head it names.
type view struct {
	head string
	body []byte
}

func cutForElection(head chain.Head) []byte {
	doc := model.Document{Meta: model.Meta{LastSHA256: chain.ZeroHash}, Accounts: []model.Account{}}
	for _, a := range head.Doc.Accounts {
		if a.Decentrala {
			doc.Accounts = append(doc.Accounts, a)
		}
	}
	return model.Marshal(doc)
}

// postAccounts stores a new version: the body's accounts for the write
// key, the head with the body's residency changes for the election key.
func (s *server) postAccounts(c *gin.Context) {
	body, ok := s.readBody(c)
	if !ok {
		return
	}
	update, err := s.updateFor(roleFrom(c), body)
	if err != nil {
		unprocessable(c, "body", err)
		return
	}
	cond := parseETags(c.GetHeader("If-Match"))
	v, changed, err := s.store.Commit("", func(h chain.Head) ([]model.Account, error) {
		if !cond.match(h.SHA256) {
			return nil, chain.ErrPrecondition
		}
		return update(h)
	})
	if err != nil {
		s.commitFailed(c, err)
		return
	}
	if changed {
		s.log.Info("version stored", logkey.Version, v.SHA256, logkey.Unixtime, v.Unixtime,
			logkey.Role, string(roleFrom(c)))
	}
	// The version this write made or found, not whatever is head by now:
	// an editor's next If-Match must not skip a version it has not seen.
	c.Header("ETag", strongTag(v.SHA256))
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json", []byte(`{"ok":true}`))
}

// updateFor parses body for role and returns how it changes a head.
func (s *server) updateFor(r role, body []byte) (func(chain.Head) ([]model.Account, error), error) {
	if r == roleElection {
		changes, err := parseResidency(body)
		if err != nil {
			return nil, err
		}
		return changes.apply, nil
	}
	accounts, err := model.ParseUpdateKnown(body, s.store.Head().Known)
	if err != nil {
		return nil, err
	}
	return func(chain.Head) ([]model.Account, error) { return accounts, nil }, nil
}

func (s *server) commitFailed(c *gin.Context, err error) {
	var ve *model.ValidationError
	switch {
	case errors.Is(err, chain.ErrPrecondition):
		c.Header("ETag", strongTag(s.store.Head().SHA256))
		detail(c, http.StatusPreconditionFailed,
			"the accounts changed since you loaded them: load them again and redo your edit")
	case errors.As(err, &ve):
		unprocessable(c, "body", err)
	default:
		s.log.Error("store version failed", logkey.Err, err)
		status, msg := storeFailure(err)
		detail(c, status, msg)
	}
}

// storeFailure tells a person why a version could not be written, without
// the server's paths.
func storeFailure(err error) (int, string) {
	const unchanged = "; nothing was changed"
	switch {
	case errors.Is(err, syscall.ENOSPC), errors.Is(err, syscall.EDQUOT):
		return http.StatusInsufficientStorage,
			"the new version could not be stored: the data folder's disk is full" + unchanged
	case errors.Is(err, syscall.EROFS), errors.Is(err, os.ErrPermission):
		return http.StatusInternalServerError,
			"the new version could not be stored: the data folder is not writable" + unchanged
	}
	return http.StatusInternalServerError,
		"the new version could not be stored: a disk write failed" + unchanged
}

// presize is the most memory a body's announced length reserves at once.
const presize = 1 << 20

// readBody reads the whole request body, answering 413 when it is larger
// than the limit, however it starts.
func (s *server) readBody(c *gin.Context) ([]byte, bool) {
	tooLarge := func() ([]byte, bool) {
		detail(c, http.StatusRequestEntityTooLarge,
			"the body is larger than the limit of "+byteCount(s.maxBody))
		return nil, false
	}
	if c.Request.ContentLength > s.maxBody {
		return tooLarge()
	}
	r := http.MaxBytesReader(c.Writer, c.Request.Body, s.maxBody)
	// A body of known length is read into one buffer of its size (and the
	// room to see its end) instead of a growing one; only up to presize,
	// so that a length claimed but never sent ties up little memory.
	var buf bytes.Buffer
	if n := c.Request.ContentLength; n > 0 {
		buf.Grow(int(min(n, presize)) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(r)
	data := buf.Bytes()
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return tooLarge()
	case err != nil:
		detail(c, http.StatusBadRequest, "the body could not be read")
		return nil, false
	}
	return data, true
}
