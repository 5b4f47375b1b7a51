package chain

import (
	"bytes"
	"encoding/json"
	"errors"
)

// errNotObject is what topLevelMember says of JSON that is not an object.
var errNotObject = errors.New("not a JSON object")

// topLevelMember returns the raw value of the member key of the JSON
// object in data, or nil when there is none; when the key repeats, the
// last one counts, as json.Unmarshal into a map has it. data must be
// well-formed JSON (json.Valid), which lets the walk skip the other
// members without a second full scan: for a long account list that halves
// the cost of checking a version. A top-level null counts as an object
// without members, again as json.Unmarshal has it.
func topLevelMember(data []byte, key string) ([]byte, error) {
	i := skipSpace(data, 0)
	if bytes.HasPrefix(data[i:], []byte("null")) {
		return nil, nil
	}
	if i == len(data) || data[i] != '{' {
		return nil, errNotObject
	}
	var found []byte
	for i = skipSpace(data, i+1); i < len(data) && data[i] != '}'; {
		end := skipString(data, i)
		name := data[i:end]
		i = skipSpace(data, end)
		i = skipSpace(data, i+1) // the colon
		end = skipValue(data, i)
		if memberIs(name, key) {
			found = data[i:end]
		}
		i = skipSpace(data, end)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
	return found, nil
}

// memberIs compares a member name, still quoted, with key; names with
// escapes are unquoted first, so that "met\u0061" is meta.
func memberIs(quoted []byte, key string) bool {
	if bytes.IndexByte(quoted, '\\') < 0 {
		return len(quoted) == len(key)+2 && string(quoted[1:len(quoted)-1]) == key
	}
	var name string
	return json.Unmarshal(quoted, &name) == nil && name == key
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at data[i].
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return i
}

// skipValue returns the index after the value that starts at data[i].
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return i
	}
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return i
	}
	for i < len(data) && bytes.IndexByte([]byte(",}] \t\r\n"), data[i]) < 0 {
		i++
	}
	return i
}
