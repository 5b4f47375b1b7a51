package hass

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"
)

// Errors that say what is wrong with an automations file. Each is wrapped
// with the details (alias, line), so test them with errors.Is.
var (
	ErrInvalidYAML   = errors.New("not valid YAML")
	ErrNotList       = errors.New("not a list of automations")
	ErrAliasNotFound = errors.New("no automation has this alias")
	ErrAliasTwice    = errors.New("more than one automation has this alias")
	ErrNoUIDMap      = errors.New("no variables action with uid_map in the automation's actions")
	ErrUIDMapTwice   = errors.New("more than one uid_map in the automation's actions")
	ErrLayout        = errors.New("uid_map is written in a way this tool does not edit")
)

// Automation describes the automation that holds the door map.
type Automation struct {
	// ID is the automation's id, which Home Assistant shows as the id
	// attribute of its entity; empty when the automation has none.
	ID    string
	Alias string
	// Line is where the automation starts in the file, and MapLine where
	// its uid_map key is, both counted from 1.
	Line, MapLine int
	// Map is the uid_map as it is now, in file order. Entries that are not
	// a string mapped to a string (see isString) are left out.
	Map []Pair
}

// target is what locate found: the automation and its uid_map.
type target struct {
	auto  *yaml.Node // the automation's mapping
	id    string
	vars  *yaml.Node // the mapping of the variables action
	key   *yaml.Node // the uid_map key
	value *yaml.Node // the uid_map value
}

// Inspect finds the automation with this alias and reads its uid_map.
func Inspect(src []byte, alias string) (Automation, error) {
	doc, err := parse(src)
	if err != nil {
		return Automation{}, err
	}
	t, err := locate(doc, alias)
	if err != nil {
		return Automation{}, err
	}
	m, _ := currentMap(t.value)
	return Automation{ID: t.id, Alias: alias, Line: t.auto.Line, MapLine: t.key.Line, Map: m}, nil
}

// parse reads a file that must hold one YAML document, a list.
func parse(src []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: the file is empty", ErrNotList)
		}
		return nil, fmt.Errorf("%w: %v", ErrInvalidYAML, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: more than one YAML document in the file", ErrInvalidYAML)
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil, ErrNotList
	}
	return &doc, nil
}

// locate finds the automation whose alias is exactly alias and the one
// uid_map in its actions.
func locate(doc *yaml.Node, alias string) (*target, error) {
	var autos []*yaml.Node
	for _, item := range doc.Content[0].Content {
		if a := lookup(item, "alias"); a != nil && a.Kind == yaml.ScalarNode && a.Value == alias {
			autos = append(autos, item)
		}
	}
	switch len(autos) {
	case 0:
		return nil, fmt.Errorf("alias %q: %w", alias, ErrAliasNotFound)
	case 1:
	default:
		return nil, fmt.Errorf("alias %q: %w (lines %s)", alias, ErrAliasTwice, lineList(autos))
	}
	auto := autos[0]
	t := &target{auto: auto}
	if id := lookup(auto, "id"); id != nil && id.Kind == yaml.ScalarNode {
		t.id = id.Value
	}
	if err := t.findUIDMap(alias); err != nil {
		return nil, err
	}
	return t, nil
}

// findUIDMap looks through the automation's actions for the variables
// action that holds uid_map.
func (t *target) findUIDMap(alias string) error {
	actions, old := lookup(t.auto, "actions"), lookup(t.auto, "action")
	if actions != nil && old != nil {
		return fmt.Errorf("automation %q (line %d): both actions and action are set: %w",
			alias, t.auto.Line, ErrNoUIDMap)
	}
	if actions == nil {
		actions = old
	}
	var hits []hit
	walkActions(actions, &hits)
	switch len(hits) {
	case 0:
		return fmt.Errorf("automation %q (line %d): %w", alias, t.auto.Line, ErrNoUIDMap)
	case 1:
	default:
		keys := make([]*yaml.Node, len(hits))
		for i, h := range hits {
			keys[i] = h.key
		}
		return fmt.Errorf("automation %q: %w (lines %s)", alias, ErrUIDMapTwice, lineList(keys))
	}
	t.vars, t.key, t.value = hits[0].vars, hits[0].key, hits[0].value
	return checkLayout(t)
}

// checkLayout refuses the ways of writing uid_map that a line-based edit
// cannot replace safely.
func checkLayout(t *target) error {
	switch {
	case t.vars.Style&yaml.FlowStyle != 0:
		return fmt.Errorf("%w: the variables at line %d are in flow style {...}; write them as a block",
			ErrLayout, t.vars.Line)
	case t.value.Kind == yaml.AliasNode:
		return fmt.Errorf("%w: uid_map at line %d refers to an anchor; write the map out", ErrLayout, t.key.Line)
	case t.value.Anchor != "":
		return fmt.Errorf("%w: uid_map at line %d carries the anchor &%s; remove it",
			ErrLayout, t.key.Line, t.value.Anchor)
	case t.value.Kind == yaml.ScalarNode && t.value.ShortTag() != "!!null":
		return fmt.Errorf("%w: uid_map at line %d is not a map", ErrLayout, t.key.Line)
	case t.value.Kind == yaml.SequenceNode:
		return fmt.Errorf("%w: uid_map at line %d is a list, not a map", ErrLayout, t.key.Line)
	}
	return nil
}

// hit is one variables action that sets uid_map.
type hit struct{ vars, key, value *yaml.Node }

// walkActions collects the uid_map variables found in a list of actions
// (or a single action) and in the actions nested in it: the sequence of
// a sequence, parallel or repeat action, the options and default of
// choose, and the then and else of if. It does not look into anything
// else (triggers, conditions, service data) and does not follow anchors.
func walkActions(n *yaml.Node, hits *[]hit) {
	if n == nil {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for _, item := range n.Content {
			walkAction(item, hits)
		}
	case yaml.MappingNode:
		walkAction(n, hits)
	}
}

func walkAction(a *yaml.Node, hits *[]hit) {
	if a.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(a.Content); i += 2 {
		k, v := a.Content[i], a.Content[i+1]
		switch k.Value {
		case "variables":
			collectUIDMap(v, hits)
		case "sequence", "default", "then", "else", "parallel":
			walkActions(v, hits)
		case "choose":
			for _, opt := range items(v) {
				walkActions(lookup(opt, "sequence"), hits)
			}
		case "repeat":
			walkActions(lookup(v, "sequence"), hits)
		}
	}
}

func collectUIDMap(vars *yaml.Node, hits *[]hit) {
	if vars.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(vars.Content); i += 2 {
		k := vars.Content[i]
		if k.Kind == yaml.ScalarNode && k.Value == "uid_map" {
			*hits = append(*hits, hit{vars: vars, key: k, value: vars.Content[i+1]})
		}
	}
}

// items returns the entries of a list, or a lone mapping as a list of one.
func items(n *yaml.Node) []*yaml.Node {
	switch n.Kind {
	case yaml.SequenceNode:
		return n.Content
	case yaml.MappingNode:
		return []*yaml.Node{n}
	}
	return nil
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func lineList(ns []*yaml.Node) string {
	var b bytes.Buffer
	for i, n := range ns {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, n.Line)
	}
	return b.String()
}
