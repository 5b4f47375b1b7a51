// Package server is resident's HTTP API: the account document and its
// history behind three bearer keys, the exports the consumers read, the
// embedded web page, and the API's own OpenAPI description with Swagger UI.
package server

import (
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/ui"
)

// Keys are the three bearer keys, one per role.
type Keys struct{ Read, Write, Election string }

// Options configure the handler that New builds.
type Options struct {
	Store *chain.Store
	Keys  Keys
	// Name is the hackspace's name, used in the file names of /export/vpn.
	Name string
	// MaxBody is the largest request body accepted, in bytes.
	MaxBody int64
	Logger  *slog.Logger
}

// DefaultMaxBody is the body limit used when Options.MaxBody is not set.
const DefaultMaxBody = 8 << 20

// DefaultName is the hackspace name used when Options.Name is empty.
const DefaultName = "xecut"

type server struct {
	store   *chain.Store
	auth    authenticator
	name    string
	maxBody int64
	log     *slog.Logger
	spec    []byte

	warnMu sync.Mutex
	warned string // the invalid head last warned about

	election atomic.Pointer[view] // the election key's view of the head
}

// New returns the handler serving every route of the API.
func New(opts Options) http.Handler {
	s := &server{
		store:   opts.Store,
		auth:    newAuthenticator(opts.Keys),
		name:    opts.Name,
		maxBody: opts.MaxBody,
		log:     opts.Logger,
		spec:    openAPISpec(),
	}
	if s.name == "" {
		s.name = DefaultName
	}
	if s.maxBody <= 0 {
		s.maxBody = DefaultMaxBody
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s.routes()
}

func (s *server) routes() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.HandleMethodNotAllowed = true
	r.RedirectTrailingSlash = false
	r.Use(s.logRequests, s.recover, securityHeaders)
	r.NoRoute(func(c *gin.Context) { detail(c, http.StatusNotFound, "not found") })
	r.NoMethod(func(c *gin.Context) {
		detail(c, http.StatusMethodNotAllowed, "method not allowed")
	})

	getAndHead(r, "/", servePage)
	getAndHead(r, "/healthz", s.healthz)
	getAndHead(r, "/openapi.json", s.openAPI)
	s.docsRoutes(r)

	anyRole := s.authenticate(roleRead, roleWrite, roleElection)
	readers := s.authenticate(roleRead, roleWrite)
	getAndHead(r, "/accounts", anyRole, s.getAccounts)
	r.POST("/accounts", s.authenticate(roleWrite, roleElection), s.postAccounts)
	getAndHead(r, "/me", anyRole, s.me)
	r.GET("/dump", readers, s.dump)
	getAndHead(r, "/export/vpn", readers, s.exportVPN)
	getAndHead(r, "/export/otp-map", readers, s.exportOTPMap)
	return r
}

// getAndHead serves HEAD on a GET route with the same handlers, so that
// status, headers and authorization match; net/http drops the body of an
// answer to HEAD. /dump has no HEAD: it would still read the whole history.
func getAndHead(r *gin.Engine, path string, h ...gin.HandlerFunc) {
	r.GET(path, h...)
	r.HEAD(path, h...)
}

func servePage(c *gin.Context) {
	c.Header("Content-Security-Policy", ui.CSP)
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "text/html; charset=utf-8", ui.Page())
}

func (s *server) healthz(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "application/json", []byte(`{"ok":true}`))
}

// securityHeaders are sent with every answer: nothing here is meant to be
// sniffed as another type, framed, or to leak its address elsewhere.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}
