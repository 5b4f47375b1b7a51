package server

import (
	"strconv"
	"strings"
)

func strongTag(sum string) string { return `"` + sum + `"` }

// weakTag marks a representation derived from a version, not its bytes.
func weakTag(sum string) string { return `W/"` + sum + `"` }

// etags is the list of an If-Match or If-None-Match header.
type etags struct {
	set  bool // the header was sent
	any  bool // it was *
	list []string
}

// parseETags reads a header of entity tags. Weak tags count as their hash
// and an unquoted hash is accepted as well, since scripts send either.
func parseETags(header string) etags {
	header = strings.TrimSpace(header)
	if header == "" {
		return etags{}
	}
	t := etags{set: true}
	for _, part := range strings.Split(header, ",") {
		tag := strings.TrimSpace(part)
		if tag == "*" {
			t.any = true
			continue
		}
		tag = strings.TrimPrefix(tag, "W/")
		tag = strings.TrimSuffix(strings.TrimPrefix(tag, `"`), `"`)
		t.list = append(t.list, tag)
	}
	return t
}

// match tells whether sum satisfies the header; a header not sent
// matches everything.
func (t etags) match(sum string) bool {
	if !t.set || t.any {
		return true
	}
	for _, tag := range t.list {
		if tag == sum {
			return true
		}
	}
	return false
}

// byteCount writes n for people: 8 MiB, 512 KiB or 1000 bytes.
func byteCount(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
