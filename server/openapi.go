package server

import (
	"encoding/json"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"
)

// bearerScheme is the name of the security scheme in the description.
const bearerScheme = "bearerKey"

// openAPISpec describes the API, its schemas generated from the same Go
// types that the server reads and writes, so the two cannot drift apart.
func openAPISpec() []byte {
	comps, err := schemas()
	if err != nil {
		// The types are fixed at compile time; a test generates them.
		panic("server: generate OpenAPI schemas: " + err.Error())
	}
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:   "resident",
			Version: "1",
			Description: "The hackspace's hash-chained record of its residents. " +
				"Send a key as Authorization: Bearer KEY; the read key reads, the write key " +
				"also writes, the Decentrala election key sees and sets only the residency " +
				"of Decentrala members.",
		},
		Components: &openapi3.Components{
			Schemas: comps,
			SecuritySchemes: openapi3.SecuritySchemes{
				bearerScheme: &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
					Type: "http", Scheme: "bearer",
					Description: "READ_KEY, WRITE_KEY or DECENTRALA_ELECTION_KEY",
				}},
			},
		},
		Paths: paths(),
	}
	out, err := json.Marshal(doc)
	if err != nil {
		panic("server: encode OpenAPI description: " + err.Error())
	}
	return out
}

func (s *server) openAPI(c *gin.Context) {
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json", s.spec)
}

// endpoint is what the description says about one route.
type endpoint struct {
	method, path, summary string
	secured               bool
	params                openapi3.Parameters
	body                  *openapi3.RequestBodyRef
	responses             map[int]*openapi3.Response
}

func paths() *openapi3.Paths {
	p := openapi3.NewPaths()
	for _, e := range endpoints() {
		op := openapi3.NewOperation()
		op.Summary = e.summary
		op.OperationID = operationID(e.method, e.path)
		op.Parameters = e.params
		op.RequestBody = e.body
		op.Responses = openapi3.NewResponses()
		op.Responses.Delete("default")
		for status, r := range e.responses {
			op.Responses.Set(itoa(status), &openapi3.ResponseRef{Value: r})
		}
		if e.secured {
			op.Security = &openapi3.SecurityRequirements{{bearerScheme: []string{}}}
			op.Responses.Set("401",
				&openapi3.ResponseRef{Value: errorResponse("no key or an unknown key")})
		} else {
			op.Security = &openapi3.SecurityRequirements{}
		}
		item := p.Value(e.path)
		if item == nil {
			item = &openapi3.PathItem{}
			p.Set(e.path, item)
		}
		item.SetOperation(e.method, op)
	}
	return p
}
