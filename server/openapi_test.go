package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"github.com/xecut/resident/internal/testenv"
	"github.com/xecut/resident/model"
)

func loadSpec(tb testing.TB, data []byte) *openapi3.T {
	tb.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(data)
	if err != nil {
		tb.Fatalf("load /openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		tb.Fatalf("/openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

func TestOpenAPIValid(t *testing.T) {
	ts := newServer(t, "")
	a := ts.get(t, "/openapi.json", "")
	wantStatus(t, "GET /openapi.json", a, 200)
	spec := loadSpec(t, a.body)
	scheme := spec.Components.SecuritySchemes[bearerScheme]
	if scheme == nil || scheme.Value.Type != "http" || scheme.Value.Scheme != "bearer" {
		t.Errorf("no http bearer security scheme: %+v", scheme)
	}
	for path, item := range spec.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Security == nil {
				t.Errorf("%s %s does not say whether it needs a key", method, path)
			} else if len(*op.Security) > 0 && op.Responses.Value("401") == nil {
				t.Errorf("%s %s needs a key but lists no 401", method, path)
			}
		}
	}
}

// TestOpenAPIDescriptionsHaveNoTags checks that no description or summary
// holds text such as <key>, which Swagger UI renders as an HTML tag and so
// hides from the reader.
func TestOpenAPIDescriptionsHaveNoTags(t *testing.T) {
	a := newServer(t, "").get(t, "/openapi.json", "")
	wantStatus(t, "GET /openapi.json", a, 200)
	var doc any
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	tag := regexp.MustCompile(`<[A-Za-z]`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && (k == "description" || k == "summary") && tag.MatchString(s) {
					t.Errorf("%s.%s = %q holds a tag-like <", path, k, s)
				}
				walk(path+"."+k, x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), x)
			}
		}
	}
	walk("$", doc)
}

// TestOpenAPICoversEveryRoute checks the description against the router,
// so that a new route cannot go undocumented.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	engine := New(Options{}).(*gin.Engine)
	spec := loadSpec(t, openAPISpec())
	for _, r := range engine.Routes() {
		if r.Method == http.MethodHead || r.Path == "/docs" {
			continue // HEAD mirrors GET; /docs redirects to /docs/
		}
		path := strings.TrimSuffix(r.Path, "*file")
		item := spec.Paths.Value(path)
		if item == nil || item.GetOperation(r.Method) == nil {
			t.Errorf("route %s %s is not in /openapi.json", r.Method, r.Path)
		}
	}
}

// TestOpenAPISchemaFollowsTypes checks that the schemas carry exactly the
// JSON fields of the Go types the server uses.
func TestOpenAPISchemaFollowsTypes(t *testing.T) {
	spec := loadSpec(t, openAPISpec())
	for name, typ := range map[string]reflect.Type{
		"Document": reflect.TypeFor[model.Document](), "Account": reflect.TypeFor[model.Account](),
		"VPN": reflect.TypeFor[model.VPN](), "FeePayment": reflect.TypeFor[model.FeePayment](),
		"Meta": reflect.TypeFor[model.Meta](),
	} {
		s := spec.Components.Schemas[name]
		if s == nil {
			t.Errorf("no schema %s", name)
			continue
		}
		var want, got []string
		for f := range typ.Fields() {
			want = append(want, strings.Split(f.Tag.Get("json"), ",")[0])
		}
		for p := range s.Value.Properties {
			got = append(got, p)
		}
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("schema %s has fields %v, the Go type %v", name, got, want)
		}
	}
	amount := spec.Components.Schemas["FeePayment"].Value.Properties["amount"].Value
	if !amount.Type.Is("number") {
		t.Errorf("FeePayment.amount is %v, want a number", amount.Type)
	}
	currency := spec.Components.Schemas["FeePayment"].Value.Properties["currency"].Value
	if len(currency.Enum) != len(model.Currencies) {
		t.Errorf("FeePayment.currency enum = %v, want %v", currency.Enum, model.Currencies)
	}
}

// TestOpenAPIExamplesValidate checks real documents against the schema:
// the legacy head must fit what the description promises.
func TestOpenAPIExamplesValidate(t *testing.T) {
	spec := loadSpec(t, openAPISpec())
	ts := newServer(t, testenv.LegacyCopy(t))
	var v any
	if err := json.Unmarshal(ts.get(t, "/accounts", readKey).body, &v); err != nil {
		t.Fatal(err)
	}
	if err := spec.Components.Schemas["Document"].Value.VisitJSON(v); err != nil {
		t.Errorf("the legacy head does not fit the Document schema: %v", err)
	}
	var bad any
	json.Unmarshal([]byte(`{"accounts":[{"username":"a","decentrala":true,"resident":1}]}`), &bad)
	if err := spec.Components.Schemas["AccountsUpdate"].Value.VisitJSON(bad); err == nil {
		t.Errorf("a body with resident 1 fits the AccountsUpdate schema")
	}
}

func TestDocsServed(t *testing.T) {
	ts := newServer(t, "")
	tests := []struct {
		method, path string
		want         int
		contains     string
	}{
		{"GET", "/docs/", 200, "swagger-ui"},
		{"GET", "/docs/index.html", 200, "swagger-initializer.js"},
		{"GET", "/docs/swagger-initializer.js", 200, `"/openapi.json"`},
		{"GET", "/docs/swagger-ui-bundle.js", 200, "SwaggerUIBundle"},
		{"GET", "/docs/swagger-ui.css", 200, ".swagger-ui"},
		{"HEAD", "/docs/swagger-ui.css", 200, ""},
		{"GET", "/docs/nothing.js", 404, ""},
		{"PROPFIND", "/docs/", 405, ""},
		{"PUT", "/docs/x.js", 405, ""},
		{"MKCOL", "/docs/x", 405, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			a := ts.do(t, tt.method, tt.path, "", nil)
			wantStatus(t, tt.method+" "+tt.path, a, tt.want)
			if !strings.Contains(string(a.body), tt.contains) {
				t.Errorf("%s %s does not contain %q", tt.method, tt.path, tt.contains)
			}
			if tt.want == 200 && !strings.Contains(a.header.Get("Content-Security-Policy"), "script-src 'self'") {
				t.Errorf("%s %s CSP = %q", tt.method, tt.path, a.header.Get("Content-Security-Policy"))
			}
		})
	}
	a := ts.do(t, "GET", "/docs", "", nil)
	if a.status != 200 || !strings.Contains(string(a.body), "swagger-ui") {
		t.Errorf("GET /docs (redirected) = %d", a.status)
	}
}
