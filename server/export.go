package server

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/logkey"
	"github.com/xecut/resident/model"
)

// exportVPN answers with one WireGuard [Peer] block per VPN entry.
func (s *server) exportVPN(c *gin.Context) {
	head := s.store.Head()
	s.warnInvalid(head)
	text(c, renderVPN(s.name, head.Doc.Accounts, flawed(head.Invalid)))
}

// exportOTPMap answers with the door's uid_map as an indented YAML
// fragment.
func (s *server) exportOTPMap(c *gin.Context) {
	head := s.store.Head()
	s.warnInvalid(head)
	text(c, renderOTPMap(head.Doc.Accounts, flawed(head.Invalid)))
}

func text(c *gin.Context, body string) {
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/plain; charset=utf-8", []byte(body))
}

// warnInvalid logs, once per head, that an export leaves entries out.
func (s *server) warnInvalid(head chain.Head) {
	if head.Invalid == nil {
		return
	}
	s.warnMu.Lock()
	defer s.warnMu.Unlock()
	if s.warned == head.SHA256 {
		return
	}
	s.warned = head.SHA256
	s.log.Warn("the head breaks a rule; its flawed entries are left out of the exports",
		logkey.Version, head.SHA256, logkey.Err, head.Invalid)
}

// flawed holds the paths of a document's problems, so that an export can
// leave out what the validator rejected. A nil flawedSet flags nothing.
type flawedSet map[string]bool

func flawed(err error) flawedSet {
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		return nil
	}
	f := flawedSet{}
	for _, p := range ve.Problems {
		f[p.Path.String()] = true
	}
	return f
}

// has tells whether the field at path, or anything inside it, is flawed.
func (f flawedSet) has(path model.Path) bool {
	prefix := path.String()
	for p := range f {
		if p == prefix || strings.HasPrefix(p, prefix+".") || strings.HasPrefix(p, prefix+"[") {
			return true
		}
	}
	return false
}
