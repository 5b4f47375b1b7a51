package server

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// endpoints lists every route of the API for its description.
func endpoints() []endpoint {
	forbidden := errorResponse("the key's role may not do this")
	return []endpoint{
		{method: http.MethodGet, path: "/accounts", secured: true,
			summary: "The newest version's stored bytes " +
				"(the election key: Decentrala accounts only)",
			params: openapi3.Parameters{header("If-None-Match",
				"answer 304 if the version is still this ETag")},
			responses: map[int]*openapi3.Response{
				200: jsonResponse("the newest version, with its sha256 as ETag", "Document"),
				304: openapi3.NewResponse().WithDescription("not modified"),
			}},
		{method: http.MethodPost, path: "/accounts", secured: true,
			summary: "Store a new version " +
				"(the election key: only residency of Decentrala accounts)",
			params: openapi3.Parameters{header("If-Match",
				"store only if the newest version is still this ETag")},
			body: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithJSONSchemaRef(ref("AccountsUpdate"))},
			responses: map[int]*openapi3.Response{
				200: jsonResponse("stored, or nothing changed", "OK"),
				403: forbidden,
				412: errorResponse("the newest version is no longer the one in If-Match"),
				413: errorResponse("the body is larger than the limit"),
				422: jsonResponse("the body breaks a rule; every problem is listed",
					"ValidationError"),
				500: errorResponse("the version could not be stored; nothing changed"),
				507: errorResponse("the disk is full; nothing changed"),
			}},
		{method: http.MethodGet, path: "/dump", secured: true,
			summary: "Every version, or those after since, as file name to file content",
			params: openapi3.Parameters{{Value: openapi3.NewQueryParameter("since").
				WithDescription("sha256 of a version: send only the versions after it").
				WithSchema(openapi3.NewStringSchema().WithPattern("^[0-9a-f]{64}$"))}},
			responses: map[int]*openapi3.Response{
				200: openapi3.NewResponse().WithDescription("the versions in chain order").
					WithJSONSchema(openapi3.NewObjectSchema().
						WithAdditionalProperties(openapi3.NewStringSchema())),
				403: forbidden,
				404: errorResponse("since names no version of the chain"),
				422: jsonResponse("since is not a sha256", "ValidationError"),
			}},
		{method: http.MethodGet, path: "/me", secured: true, summary: "What the key may do",
			responses: map[int]*openapi3.Response{200: jsonResponse("the key's role", "Me")}},
		{method: http.MethodGet, path: "/export/vpn", secured: true,
			summary: "WireGuard [Peer] blocks for every VPN entry",
			responses: map[int]*openapi3.Response{
				200: textResponse("peer blocks separated by blank lines"), 403: forbidden}},
		{method: http.MethodGet, path: "/export/otp-map", secured: true,
			summary: "The door's uid_map from OTP prefix to Telegram, as indented YAML",
			responses: map[int]*openapi3.Response{
				200: textResponse("a YAML fragment indented by six spaces"), 403: forbidden}},
		{method: http.MethodGet, path: "/healthz", summary: "Whether the server is up",
			responses: map[int]*openapi3.Response{200: jsonResponse("up", "OK")}},
		{method: http.MethodGet, path: "/", summary: "The web page",
			responses: map[int]*openapi3.Response{200: htmlResponse("the page")}},
		{method: http.MethodGet, path: "/openapi.json", summary: "This description",
			responses: map[int]*openapi3.Response{
				200: openapi3.NewResponse().WithDescription("OpenAPI 3 description").
					WithJSONSchema(openapi3.NewObjectSchema())}},
		{method: http.MethodGet, path: "/docs/", summary: "Swagger UI",
			responses: map[int]*openapi3.Response{200: htmlResponse("the Swagger UI page")}},
	}
}

func ref(name string) *openapi3.SchemaRef {
	return openapi3.NewSchemaRef("#/components/schemas/"+name, nil)
}

func jsonResponse(desc, schema string) *openapi3.Response {
	return openapi3.NewResponse().WithDescription(desc).WithJSONSchemaRef(ref(schema))
}

func errorResponse(desc string) *openapi3.Response {
	return jsonResponse(desc, "Error")
}

func textResponse(desc string) *openapi3.Response { return stringResponse(desc, "text/plain") }

func htmlResponse(desc string) *openapi3.Response { return stringResponse(desc, "text/html") }

func stringResponse(desc, mediaType string) *openapi3.Response {
	content := openapi3.NewContentWithSchema(openapi3.NewStringSchema(), []string{mediaType})
	return openapi3.NewResponse().WithDescription(desc).WithContent(content)
}

func header(name, desc string) *openapi3.ParameterRef {
	return &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter(name).
		WithDescription(desc).WithSchema(openapi3.NewStringSchema())}
}

var idChars = strings.NewReplacer("/", "_", "-", "_", ".", "_")

// operationID turns GET /export/otp-map into get_export_otp_map.
func operationID(method, path string) string {
	id := strings.ToLower(method) + idChars.Replace(path)
	return strings.TrimSuffix(id, "_")
}

func itoa(n int) string { return strconv.Itoa(n) }
