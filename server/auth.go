package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
)

// role is what a key lets its holder do.
type role string

const (
	roleNone     role = "none"
	roleRead     role = "read-only"
	roleWrite    role = "read-write"
	roleElection role = "decentrala-election"
)

// roleKey is where the role of a request is kept in the gin context.
const roleKey = "resident.role"

// authenticator matches a presented key against the digests of the three
// keys. Comparing fixed-size digests keeps the time a check takes
// independent of the keys' lengths and of how much of a guess is right.
type authenticator struct {
	digests [3][sha256.Size]byte
	roles   [3]role
}

func newAuthenticator(k Keys) authenticator {
	return authenticator{
		digests: [3][sha256.Size]byte{
			sha256.Sum256([]byte(k.Read)),
			sha256.Sum256([]byte(k.Write)),
			sha256.Sum256([]byte(k.Election)),
		},
		roles: [3]role{roleRead, roleWrite, roleElection},
	}
}

// roleOf returns the role of key, checking it against all three keys
// every time so that which key matched does not change the timing.
func (a authenticator) roleOf(key string) role {
	if key == "" {
		return roleNone
	}
	got := sha256.Sum256([]byte(key))
	match := -1
	for i := range a.digests {
		eq := subtle.ConstantTimeCompare(got[:], a.digests[i][:])
		match = subtle.ConstantTimeSelect(eq, i, match)
	}
	if match < 0 {
		return roleNone
	}
	return a.roles[match]
}

// bearer returns the key of an Authorization: Bearer header, or "".
func bearer(r *http.Request) string {
	scheme, key, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(key)
}

// authenticate lets a request through only with a key of one of the
// allowed roles: 401 without a known key, 403 with a key of another role.
func (s *server) authenticate(allowed ...role) gin.HandlerFunc {
	return func(c *gin.Context) {
		r := s.auth.roleOf(bearer(c.Request))
		c.Set(roleKey, r)
		switch {
		case r == roleNone:
			c.Header("WWW-Authenticate", "Bearer")
			detail(c, http.StatusUnauthorized,
				"a valid key is required: send Authorization: Bearer <key>")
			c.Abort()
		case !slices.Contains(allowed, r):
			detail(c, http.StatusForbidden, "the "+string(r)+" key may not do this")
			c.Abort()
		}
	}
}

// roleFrom returns the role authenticate found for the request.
func roleFrom(c *gin.Context) role {
	if v, ok := c.Get(roleKey); ok {
		return v.(role)
	}
	return roleNone
}

// meAnswer describes what a key may do, for the web page.
type meAnswer struct {
	Access string `json:"access"`
	Edit   bool   `json:"edit"`
	New    bool   `json:"new"`
}

var meAnswers = map[role]meAnswer{
	roleRead:     {Access: "read-only", Edit: false, New: false},
	roleWrite:    {Access: "read-write", Edit: true, New: true},
	roleElection: {Access: "decentrala election (just residency edit)", Edit: true, New: false},
}

func (s *server) me(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	writeJSON(c, http.StatusOK, meAnswers[roleFrom(c)])
}
