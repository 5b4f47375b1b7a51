package server

import (
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// dumpIdle is how long a /dump answer may wait for the client to take the
// next piece. It replaces the server's write timeout for this route: a
// long history is allowed to take long, a stalled client is not.
const dumpIdle = time.Minute

// dump streams every version, or those after ?since=, as one JSON object
// of file name to content.
func (s *server) dump(c *gin.Context) {
	since, sent := c.GetQuery("since")
	if sent && !sha256Hex.MatchString(since) {
		unprocessable(c, "query", invalid(model.Path{"since"}, model.TypeValue,
			"must be the sha256 of a version: 64 lowercase hex digits"))
		return
	}
	vs, err := s.store.Versions(since)
	if errors.Is(err, chain.ErrUnknownVersion) {
		detail(c, http.StatusNotFound, "since: no version with this sha256 is in the chain")
		return
	}
	if err != nil {
		s.log.Error("list versions failed", logkey.Err, err)
		detail(c, http.StatusInternalServerError, "the versions could not be listed")
		return
	}
	c.Header("Content-Type", "application/json")
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	w := &deadlineWriter{rc: http.NewResponseController(c.Writer), w: c.Writer}
	if err := s.store.WriteDump(w, vs); err != nil {
		// The status is sent already; the client sees a cut-short JSON
		// object, which no reader accepts.
		s.log.Error("dump failed", logkey.Err, err)
		c.Abort()
	}
}

// deadlineWriter moves the write deadline forward before every write.
type deadlineWriter struct {
	rc *http.ResponseController
	w  http.ResponseWriter
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	// Not every ResponseWriter supports deadlines (httptest's does not);
	// there is nothing to extend then.
	_ = d.rc.SetWriteDeadline(time.Now().Add(dumpIdle))
	return d.w.Write(p)
}
