package server

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files/v2"
)

// docsCSP lets Swagger UI run from its own files: its scripts and styles
// come from /docs, it sets inline styles, and it fetches /openapi.json.
const docsCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; " +
	"frame-ancestors 'none'"

// docsInit starts Swagger UI on this server's description of itself.
const docsInit = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
`

// docsRoutes serves Swagger UI from the assets embedded in the binary
// (read from the executable, not copied onto the heap), for GET and HEAD.
func (s *server) docsRoutes(r *gin.Engine) {
	r.GET("/docs", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, "/docs/") })
	serve := func(c *gin.Context) {
		c.Header("Content-Security-Policy", docsCSP)
		name := strings.TrimPrefix(c.Param("file"), "/")
		switch name {
		case "swagger-initializer.js":
			c.Data(http.StatusOK, "text/javascript; charset=utf-8", []byte(docsInit))
			return
		case "":
			name = "index.html"
		}
		serveAsset(c, name)
	}
	r.GET("/docs/*file", serve)
	r.HEAD("/docs/*file", serve)
}

// serveAsset answers with one embedded Swagger UI file; folders are not
// listed.
func serveAsset(c *gin.Context, name string) {
	f, err := swaggerFiles.FS.Open(name)
	if err != nil {
		detail(c, http.StatusNotFound, "not found")
		return
	}
	defer f.Close()
	content, ok := f.(io.ReadSeeker)
	if st, err := f.Stat(); err != nil || st.IsDir() || !ok {
		detail(c, http.StatusNotFound, "not found")
		return
	}
	// Embedded files have no time; ServeContent leaves Last-Modified out.
	http.ServeContent(c.Writer, c.Request, name, time.Time{}, content)
}
