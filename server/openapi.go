package server

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

func openAPISpec() []byte { return []byte(`{"openapi":"3.0.3"}`) }

func (s *server) openAPI(c *gin.Context) {
	c.Data(http.StatusOK, "application/json", s.spec)
}
