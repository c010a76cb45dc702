package envvars

import (
	"slices"
	"strings"
)

// Expand replaces $(VAR) references in input with mapping(VAR), as upstream's
// third_party/forked/golang/expansion: "$$" is an escaped "$", "$(" without a closing ")" and
// "$" before any other character are kept as they are.
func Expand(input string, mapping func(string) string) string {
	var buf strings.Builder
	checkpoint := 0
	for cursor := 0; cursor < len(input); cursor++ {
		if input[cursor] != '$' || cursor+1 >= len(input) {
			continue
		}
		buf.WriteString(input[checkpoint:cursor])
		read, isVar, advance := readVariable(input[cursor+1:])
		if isVar {
			buf.WriteString(mapping(read))
		} else {
			buf.WriteString(read)
		}
		cursor += advance
		checkpoint = cursor + 1
	}
	return buf.String() + input[checkpoint:]
}

// readVariable reads what follows a '$': the text to write (or the variable name), whether it
// is a variable, and how many bytes it consumed.
func readVariable(input string) (string, bool, int) {
	switch input[0] {
	case '$':
		return "$", false, 1
	case '(':
		if i := strings.IndexByte(input[1:], ')'); i >= 0 {
			return input[1 : i+1], true, i + 2
		}
		return "$(", false, 1
	default:
		return "$" + input[0:1], false, 1
	}
}

// Mapping is the mapping for Expand that looks a name up in vars; an unknown name stays
// "$(name)".
func Mapping(vars map[string]string) func(string) string {
	return func(name string) string {
		if v, ok := vars[name]; ok {
			return v
		}
		return "$(" + name + ")"
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
