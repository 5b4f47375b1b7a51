package hass

import "bytes"

// span is one line of a file: its text is src[start:end], its line break
// src[end:next].
type span struct{ start, end, next int }

// splitLines cuts src into lines where the YAML parser does, so that the
// parser's line numbers index the result: CR LF, CR, LF, and the Unicode
// breaks NEL, LS and PS all end a line.
func splitLines(src []byte) []span {
	var out []span
	start := 0
	for i := 0; i < len(src); {
		n := breakLen(src[i:])
		if n == 0 {
			i++
			continue
		}
		out = append(out, span{start: start, end: i, next: i + n})
		i += n
		start = i
	}
	if start < len(src) {
		out = append(out, span{start: start, end: len(src), next: len(src)})
	}
	return out
}

// breakLen returns the length of the line break b starts with, or 0.
func breakLen(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case b[0] == '\n' || b[0] == '\r':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// indent counts the spaces a line starts with.
func indent(text []byte) int {
	n := 0
	for n < len(text) && text[n] == ' ' {
		n++
	}
	return n
}

// isFiller tells whether a line holds nothing but white space or a comment,
// so that it can belong to either the block above it or what follows.
func isFiller(text []byte) bool {
	t := bytes.TrimLeft(text, " \t")
	return len(t) == 0 || t[0] == '#'
}

// isDocMarker tells whether a line starts or ends a YAML document.
func isDocMarker(text []byte) bool {
	for _, m := range []string{"---", "..."} {
		if bytes.HasPrefix(text, []byte(m)) {
			rest := text[len(m):]
			if len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t' {
				return true
			}
		}
	}
	return false
}
