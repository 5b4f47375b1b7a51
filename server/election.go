package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"

	"github.com/xecut/resident/chain"
	"github.com/xecut/resident/model"
)

// residency is what an election key's write may change: whether each
// decentrala account is a resident, by username.
//
// The body is read leniently, so that a client may send back the whole
// election view or just {"accounts":[{"username":..,"resident":..}]}: it
// must be one JSON object with an accounts list; entries that are not
// objects, carry no username, or name no decentrala account of the head
// are ignored, as is every field but username and resident.
type residency struct {
	entries []residencyEntry
}

type residencyEntry struct {
	index    int
	username string
	resident any // the raw JSON value, checked once the entry matches
}

func parseResidency(body []byte) (residency, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var doc struct {
		Accounts []json.RawMessage `json:"accounts"`
	}
	if err := dec.Decode(&doc); err != nil {
		return residency{}, invalid(model.Path{}, model.TypeJSONInvalid,
			"must be a JSON object with an accounts list: "+err.Error())
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return residency{}, invalid(model.Path{}, model.TypeJSONInvalid,
			"unexpected data after the JSON document")
	}
	if doc.Accounts == nil {
		return residency{}, invalid(model.Path{"accounts"}, model.TypeMissing, "field required")
	}
	var r residency
	for i, raw := range doc.Accounts {
		var a map[string]any
		if json.Unmarshal(raw, &a) != nil {
			continue
		}
		name, ok := a["username"].(string)
		if !ok {
			continue
		}
		e := residencyEntry{index: i, username: name, resident: a["resident"]}
		r.entries = append(r.entries, e)
	}
	return r, nil
}

// apply returns head's accounts with the residency of its decentrala
// accounts taken from the body.
func (r residency) apply(head chain.Head) ([]model.Account, error) {
	accounts := slices.Clone(head.Doc.Accounts)
	at := make(map[string]int, len(accounts))
	for i, a := range accounts {
		if a.Decentrala {
			at[a.Username] = i
		}
	}
	var problems []model.FieldError
	seen := map[string]bool{}
	for _, e := range r.entries {
		i, ok := at[e.username]
		if !ok {
			continue
		}
		path := model.Path{"accounts", e.index}
		if seen[e.username] {
			problems = append(problems, model.FieldError{Path: append(path, "username"),
				Msg: "this account is listed twice", Type: model.TypeDuplicate})
			continue
		}
		seen[e.username] = true
		b, ok := e.resident.(bool)
		if !ok {
			problems = append(problems, model.FieldError{Path: append(path, "resident"),
				Msg: "must be true or false", Type: model.TypeBool})
			continue
		}
		accounts[i].Resident = b
	}
	if len(problems) > 0 {
		return nil, &model.ValidationError{Problems: problems}
	}
	return accounts, nil
}

func invalid(path model.Path, typ, msg string) error {
	return &model.ValidationError{Problems: []model.FieldError{{Path: path, Msg: msg, Type: typ}}}
}
