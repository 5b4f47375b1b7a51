package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem types, as they appear in the "type" field of a 422 answer.
const (
	TypeJSONInvalid    = "json_invalid"
	TypeMissing        = "missing"
	TypeExtraForbidden = "extra_forbidden"
	TypeString         = "string_type"
	TypeBool           = "bool_type"
	TypeInt            = "int_type"
	TypeNumber         = "number_type"
	TypeList           = "list_type"
	TypeObject         = "dict_type"
	TypeValue          = "value_error"
	TypeDuplicate      = "duplicate"
)

// Path locates a field in the document: object keys are strings and list
// positions are ints, e.g. accounts, 3, vpn, 0, ip.
type Path []any

// String renders the path the way a person reads it: accounts[3].vpn[0].ip.
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		switch v := e.(type) {
		case int:
			b.WriteString("[" + strconv.Itoa(v) + "]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String()
}

// with returns a copy of p extended by elems; the copy keeps paths that
// share a prefix from overwriting each other.
func (p Path) with(elems ...any) Path {
	out := make(Path, 0, len(p)+len(elems))
	return append(append(out, p...), elems...)
}

// FieldError is one problem in a document, with the path of the field.
type FieldError struct {
	Path Path
	Msg  string
	Type string
}

func (e FieldError) Error() string {
	if len(e.Path) == 0 {
		return e.Msg
	}
	return e.Path.String() + ": " + e.Msg
}

// ValidationError lists every problem found in a document.
type ValidationError struct {
	Problems []FieldError
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Error()
	}
	return "invalid document: " + strings.Join(msgs, "; ")
}

// problems collects FieldErrors while a document is walked.
type problems []FieldError

func (ps *problems) add(path Path, typ, format string, args ...any) {
	*ps = append(*ps, FieldError{Path: path, Msg: fmt.Sprintf(format, args...), Type: typ})
}

func (ps problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return &ValidationError{Problems: ps}
}
