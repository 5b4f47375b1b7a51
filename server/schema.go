package server

import (
	"encoding/json"
	"reflect"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/xecut/resident/model"
)

// accountsUpdate is the body of POST /accounts: a document whose meta may
// be left out, since the store sets it.
type accountsUpdate struct {
	Meta     *model.Meta     `json:"meta,omitempty"`
	Accounts []model.Account `json:"accounts"`
}

// okAnswer is the answer to a successful write.
type okAnswer struct {
	OK bool `json:"ok"`
}

// The types the API's schemas are generated from, by component name.
var schemaTypes = []struct {
	name  string
	value any
}{
	{"Document", model.Document{}},
	{"AccountsUpdate", accountsUpdate{}},
	{"Me", meAnswer{}},
	{"OK", okAnswer{}},
	{"Error", errorBody{}},
	{"ValidationError", problemsBody{}},
}

// required lists the fields a body must carry, per type; every other
// field may be left out.
var required = map[reflect.Type][]string{
	reflect.TypeFor[model.Document]():   {"meta", "accounts"},
	reflect.TypeFor[accountsUpdate]():   {"accounts"},
	reflect.TypeFor[model.Meta]():       {"unixtime", "last_sha256"},
	reflect.TypeFor[model.Account]():    {"username", "decentrala", "resident"},
	reflect.TypeFor[model.VPN]():        {"ip", "wg_public_key"},
	reflect.TypeFor[model.FeePayment](): {"date", "currency", "amount"},
	reflect.TypeFor[meAnswer]():         {"access", "edit", "new"},
	reflect.TypeFor[okAnswer]():         {"ok"},
	reflect.TypeFor[errorBody]():        {"detail"},
	reflect.TypeFor[problemsBody]():     {"detail"},
	reflect.TypeFor[problem]():          {"loc", "msg", "type"},
}

// fieldRules describe what the validator checks, for people and for
// client generators; the validator in package model stays the authority.
var fieldRules = map[string]func(*openapi3.Schema){
	"username": func(s *openapi3.Schema) {
		s.Description = "Not blank, one line, no control characters, unique."
	},
	"telegram": func(s *openapi3.Schema) {
		s.Pattern = `^\S+$`
		s.Description = "Telegram username or numeric id, null for none; unique regardless of case."
	},
	"otp_prefix": func(s *openapi3.Schema) {
		s.Pattern = "^[0-9TMBOSLA][" + model.OTPSymbols + "]*$"
		s.MaxLength = openapi3.Uint64Ptr(model.MaxOTPPrefix)
		s.Description = "Door code prefix, null for none; unique."
	},
	"ip": func(s *openapi3.Schema) {
		s.Pattern = `^192\.168\.11\.([2-9]|[1-9][0-9]|1[0-9]{2}|2[0-4][0-9]|250)$`
		s.Description = "192.168.11.2 to 192.168.11.250, unique across all accounts."
	},
	"wg_public_key": func(s *openapi3.Schema) {
		s.Pattern = `^[A-Za-z0-9+/]{43}=?$`
		s.Description = "WireGuard public key, unique across all accounts."
	},
	"date":     func(s *openapi3.Schema) { s.Format = "date" },
	"currency": func(s *openapi3.Schema) { s.Enum = enum(model.Currencies) },
	"last_sha256": func(s *openapi3.Schema) {
		s.Pattern = "^[0-9a-f]{64}$"
	},
	"unixtime": func(s *openapi3.Schema) { s.Min = new(float64) },
}

var numberType = reflect.TypeFor[json.Number]()

// customize adds to a generated schema what the Go types alone cannot say.
func customize(name string, t reflect.Type, _ reflect.StructTag, s *openapi3.Schema) error {
	if t == numberType {
		s.Type = &openapi3.Types{"number"}
		s.Description = "Kept exactly as written: 1500.0 stays 1500.0."
		return nil
	}
	if fields, ok := required[t]; ok {
		s.Required = slices.Clone(fields)
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: new(bool)}
		return nil
	}
	if t.Kind() == reflect.Slice && name == "loc" {
		s.Items = openapi3.NewSchemaRef("", &openapi3.Schema{OneOf: openapi3.SchemaRefs{
			openapi3.NewStringSchema().NewRef(), openapi3.NewIntegerSchema().NewRef(),
		}})
		return nil
	}
	if name == "ssh_keys" {
		// Called for the list and again for its items.
		if t.Kind() == reflect.String {
			s.Pattern = `^(ssh-|sk-)`
		} else {
			s.Description = "OpenSSH public keys, one line each, unique across all accounts."
		}
		return nil
	}
	if rule, ok := fieldRules[name]; ok && t.Kind() != reflect.Struct {
		rule(s)
	}
	return nil
}

func enum(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

// schemas generates the component schemas from the Go types.
func schemas() (openapi3.Schemas, error) {
	out := openapi3.Schemas{}
	for _, st := range schemaTypes {
		g := openapi3gen.NewGenerator(
			openapi3gen.SchemaCustomizer(customize),
			openapi3gen.CreateComponentSchemas(openapi3gen.ExportComponentSchemasOptions{
				ExportComponentSchemas: true,
			}),
			openapi3gen.CreateTypeNameGenerator(typeName),
		)
		ref, err := g.NewSchemaRefForValue(st.value, out)
		if err != nil {
			return nil, err
		}
		out[st.name] = ref
	}
	return out, nil
}

// typeName names the component of a nested type.
func typeName(t reflect.Type) string {
	switch t {
	case reflect.TypeFor[problem]():
		return "Problem"
	}
	return t.Name()
}
