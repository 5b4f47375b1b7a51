package server

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	swaggerFiles "github.com/swaggo/files"
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

// docsRoutes serves Swagger UI from the assets embedded in the binary.
// Only GET and HEAD reach them: the asset package also offers a WebDAV
// handler, which must never be exposed.
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
	f, err := swaggerFiles.HTTP.Open("/" + name)
	if err != nil {
		detail(c, http.StatusNotFound, "not found")
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		detail(c, http.StatusNotFound, "not found")
		return
	}
	http.ServeContent(c.Writer, c.Request, name, st.ModTime(), f)
}
