package hass

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// ErrBadEntry is returned for a door map entry that cannot be written as
// a single-quoted YAML string, or a prefix given twice.
var ErrBadEntry = errors.New("door map entry cannot be written")

// Patch returns src with the uid_map of the automation whose alias is
// exactly alias replaced by m, written in the order given. changed is false,
// and src is returned as it is, when uid_map already holds exactly m, every
// key and value a string (see isString).
//
// The YAML tree is used only to find things; the new text replaces the
// lines of the old uid_map block in the original bytes, so everything
// outside that block stays byte for byte. Comments inside the old block
// are dropped; comment and blank lines that follow its last entry are
// kept. The new lines end as the key's line did (CR LF in a CR LF file),
// and a file without a final line break keeps none. The result is parsed
// again and refused unless it holds m and is otherwise the same YAML as
// src.
func Patch(src []byte, alias string, m []Pair) (out []byte, changed bool, err error) {
	if err := checkPairs(m); err != nil {
		return nil, false, err
	}
	doc, err := parse(src)
	if err != nil {
		return nil, false, err
	}
	t, err := locate(doc, alias)
	if err != nil {
		return nil, false, err
	}
	if cur, ok := currentMap(t.value); ok && equalMap(cur, m) {
		return src, false, nil
	}
	lines := splitLines(src)
	b, err := findBlock(src, lines, doc, t)
	if err != nil {
		return nil, false, err
	}
	out = splice(src, lines, b, m)
	if err := verify(doc, t, out, alias, m); err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// block is the lines of the uid_map block (first and last index, both
// included) and how its text is indented.
type block struct {
	first, last int
	indent      int // the column of the uid_map key
	step        int // how much deeper than the key its entries sit
}

// findBlock finds the lines the uid_map key and its value span. The block
// ends before the next node of the document, a document marker, or (for a
// block-style map) a line with content no deeper than the key, and then
// gives back trailing blank and comment lines to what follows.
func findBlock(src []byte, lines []span, doc *yaml.Node, t *target) (block, error) {
	text := func(i int) []byte { return src[lines[i].start:lines[i].end] }
	b := block{first: t.key.Line - 1, indent: t.key.Column - 1, step: 2}
	if b.first < 0 || b.first >= len(lines) || indent(text(b.first)) != b.indent {
		return b, fmt.Errorf("%w: uid_map at line %d must be the first thing on its line",
			ErrLayout, t.key.Line)
	}
	next := nextLine(doc, t)
	maxLine := lastNodeLine(t.value, t.key.Line)
	flow := t.value.Style&yaml.FlowStyle != 0
	b.last = b.first
	for i := b.first + 1; i < len(lines) && i+1 < next; i++ {
		s := text(i)
		if isDocMarker(s) || (!flow && !isFiller(s) && indent(s) <= b.indent) {
			break
		}
		b.last = i
	}
	for b.last+1 > maxLine && isFiller(text(b.last)) {
		b.last--
	}
	if b.last+1 < maxLine {
		return b, fmt.Errorf("%w: cannot tell where uid_map at line %d ends", ErrLayout, t.key.Line)
	}
	if s := entryStep(src, lines, t, b.indent); s > 0 {
		b.step = s
	}
	return b, nil
}

// entryStep returns how much deeper than the uid_map key its first entry
// is indented, or 0 when there is no block-style entry to learn from.
func entryStep(src []byte, lines []span, t *target, keyIndent int) int {
	v := t.value
	if v.Kind != yaml.MappingNode || v.Style&yaml.FlowStyle != 0 || len(v.Content) == 0 {
		return 0
	}
	k := v.Content[0]
	if k.Line <= t.key.Line || k.Line > len(lines) {
		return 0
	}
	l := lines[k.Line-1]
	if indent(src[l.start:l.end]) != k.Column-1 || k.Column-1 <= keyIndent {
		return 0
	}
	return k.Column - 1 - keyIndent
}

// nextLine returns the line of the first node after the uid_map value, or
// a line past the end of the file when nothing follows.
func nextLine(doc *yaml.Node, t *target) int {
	next := int(^uint(0) >> 1)
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == t.value {
			return
		}
		if n.Line > t.key.Line && n.Line < next {
			next = n.Line
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	return next
}

// lastNodeLine returns the last line on which a node of n's tree starts.
func lastNodeLine(n *yaml.Node, atLeast int) int {
	last := max(atLeast, n.Line)
	for _, c := range n.Content {
		last = max(last, lastNodeLine(c, atLeast))
	}
	return last
}

// splice puts the new uid_map block in place of the old one's lines. Lines
// end the way the key's line did; the last one the way the old block's
// last line did, so a file without a final line break keeps none.
func splice(src []byte, lines []span, b block, m []Pair) []byte {
	eol := string(src[lines[b.first].end:lines[b.first].next])
	if eol == "" {
		eol = "\n"
	}
	lastEOL := string(src[lines[b.last].end:lines[b.last].next])
	pad := strings.Repeat(" ", b.indent)
	var nb bytes.Buffer
	nb.Write(src[:lines[b.first].start])
	if len(m) == 0 {
		nb.WriteString(pad + "uid_map: {}" + lastEOL)
	} else {
		nb.WriteString(pad + "uid_map:" + eol)
		entryPad := pad + strings.Repeat(" ", b.step)
		for i, p := range m {
			end := eol
			if i == len(m)-1 {
				end = lastEOL
			}
			line, _ := Entry(p) // checkPairs let only writable pairs through
			nb.WriteString(entryPad + line + end)
		}
	}
	nb.Write(src[lines[b.last].next:])
	return nb.Bytes()
}

// Entry is p as one line of a uid_map block: prefix and Telegram name as
// single-quoted YAML scalars, which every YAML version reads as strings
// (0123 stays 0123 and yes stays yes). ok is false when p cannot be
// written so: a value holds a line break, a control character or invalid
// UTF-8, or the prefix is too long for a one-line key.
func Entry(p Pair) (line string, ok bool) {
	key, value := quote(p.Prefix), quote(p.Telegram)
	if !writable(p.Prefix) || !writable(p.Telegram) || utf8.RuneCountInString(key) > maxKey {
		return "", false
	}
	return key + ": " + value, true
}

// maxKey is the longest a one-line YAML key may be, quotes included: YAML
// 1.1 and 1.2 both cap an implicit key at 1024 characters, and the
// readers enforce it. The model keeps OTP prefixes far shorter.
const maxKey = 1000

func quote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// checkPairs refuses what Entry cannot write, and a prefix given twice.
func checkPairs(m []Pair) error {
	seen := make(map[string]bool, len(m))
	for _, p := range m {
		if seen[p.Prefix] {
			return fmt.Errorf("%w: prefix %q is given twice", ErrBadEntry, p.Prefix)
		}
		seen[p.Prefix] = true
		if _, ok := Entry(p); !ok {
			return fmt.Errorf("%w: %.80q holds a line break, a control character or invalid UTF-8, "+
				"or is too long for a YAML key", ErrBadEntry, p.Prefix+": "+p.Telegram)
		}
	}
	return nil
}

func writable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r != ' ' && !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// currentMap reads uid_map as it stands. ok is false unless it is a map
// whose every key and value is a string to Home Assistant, once each:
// anything else is rewritten even when its values look the same.
func currentMap(v *yaml.Node) (m []Pair, ok bool) {
	if v.Kind != yaml.MappingNode {
		return nil, false
	}
	ok = true
	seen := map[string]bool{}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !isString(k) || !isString(val) || seen[k.Value] {
			ok = false
			continue
		}
		seen[k.Value] = true
		m = append(m, Pair{Prefix: k.Value, Telegram: val.Value})
	}
	return m, ok
}

// plainWord is what an unquoted scalar may look like and still be taken
// for a string here: no sign, dot, colon or dash that could make it a
// number, a date or a time.
var plainWord = regexp.MustCompile(`^[A-Za-z0-9_]+$`)

// yaml11Words are the unquoted words that Home Assistant's YAML 1.1
// reader takes for booleans or null.
var yaml11Words = map[string]bool{"y": true, "n": true, "yes": true, "no": true,
	"true": true, "false": true, "on": true, "off": true, "null": true}

// isString tells whether both yaml.v3 (YAML 1.2) and Home Assistant's
// YAML 1.1 reader take n for a string. Quoted and block scalars are
// strings; a plain one only when it is a word that is not all digits
// (0123 is the number 83 to YAML 1.1), not 0b or 0x something, and not a
// YAML 1.1 boolean or null such as yes or on. The editor of Home
// Assistant writes strings this way, so a file it saved is not rewritten
// for its quoting alone.
func isString(n *yaml.Node) bool {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!str" {
		return false
	}
	if n.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return true
	}
	s := n.Value
	lower := strings.ToLower(s)
	switch {
	case n.Style&yaml.TaggedStyle != 0:
		return true // tagged explicitly
	case !plainWord.MatchString(s), strings.Trim(s, "0123456789_") == "", yaml11Words[lower]:
		return false
	case strings.HasPrefix(lower, "0b"), strings.HasPrefix(lower, "0x"):
		return false
	}
	return true
}

// equalMap compares two maps without regard to order.
func equalMap(a, b []Pair) bool {
	if len(a) != len(b) {
		return false
	}
	want := make(map[string]string, len(b))
	for _, p := range b {
		want[p.Prefix] = p.Telegram
	}
	for _, p := range a {
		if v, ok := want[p.Prefix]; !ok || v != p.Telegram {
			return false
		}
	}
	return true
}
