package chain_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xecut/resident/chain"
)

// referenceMeta reads meta the plain way, decoding the whole document
// into a map: ReadVersion must read every version the same way.
func referenceMeta(data []byte) (int64, string, error) {
	if !utf8.Valid(data) {
		return 0, "", errors.New("not valid UTF-8")
	}
	var doc, m map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return 0, "", errors.New("not well-formed JSON")
		}
		return 0, "", errors.New("not a JSON object")
	}
	if err := json.Unmarshal(doc["meta"], &m); err != nil || m == nil {
		return 0, "", errors.New("no meta object")
	}
	t, err := strconv.ParseInt(string(m["unixtime"]), 10, 64)
	if err != nil {
		return 0, "", fmt.Errorf("meta.unixtime %.30s is not a whole number", m["unixtime"])
	}
	var last string
	if err := json.Unmarshal(m["last_sha256"], &last); err != nil ||
		len(last) != 64 || strings.Trim(last, "0123456789abcdef") != "" {
		return 0, "", fmt.Errorf("meta.last_sha256 %.70s is not 64 lowercase hex digits", m["last_sha256"])
	}
	return t, last, nil
}

// FuzzReadVersionMeta checks that ReadVersion, which skips the accounts
// instead of decoding them, reads meta exactly as a full decode does:
// the same time and link, or the same complaint.
func FuzzReadVersionMeta(f *testing.F) {
	for _, s := range seedChain(f) {
		f.Add(s.data)
	}
	if data, err := os.ReadFile("testdata/dump.json"); err == nil {
		f.Add(data)
	}
	z := chain.ZeroHash
	for _, s := range []string{
		`null`, `[]`, `"meta"`, `1`, ` {"meta":{"unixtime":1,"last_sha256":"` + z + `"}} `,
		`{"accounts":[{"a":"}{\"]"}],"meta":{"unixtime":2,"last_sha256":"` + z + `"}}`,
		`{"meta":{"unixtime":1,"last_sha256":"` + z + `"},"meta":{"unixtime":3,"last_sha256":"` + z + `"}}`,
		`{"met\u0061":{"unixtime":4,"last_sha256":"` + z + `"},"Meta":1}`,
		`{"meta":null}`, `{"x":[1,{"y":[true,false,null,-1.5e3]}],"meta":{"unixtime":5,"last_sha256":"` + z + `"}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wantT, wantLast, wantErr := referenceMeta(data)
		if wantT < 0 {
			return // no file name holds a negative time
		}
		name := chain.FileName(wantT, chain.Sum(data))
		v, err := chain.ReadVersion(name, data)
		var p *chain.Problem
		switch {
		case wantErr != nil:
			if !errors.As(err, &p) || p.Kind != chain.KindUnreadable || p.Detail != wantErr.Error() {
				t.Fatalf("ReadVersion(%q) = %v, want %s: %v", data, err, chain.KindUnreadable, wantErr)
			}
		case err != nil || v.Unixtime != wantT || v.Last != wantLast:
			t.Fatalf("ReadVersion(%q) = %+v, %v, want unixtime %d, last %s", data, v, err, wantT, wantLast)
		}
	})
}
