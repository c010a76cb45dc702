package job

import (
	"slices"
	"strconv"
	"strings"
)

// indexSet is a set of completion indexes.
type indexSet map[int]bool

// parseIndexes reads a status.completedIndexes string such as "1,3-5,7"; malformed parts are
// skipped.
func parseIndexes(s string) indexSet {
	out := indexSet{}
	for part := range strings.SplitSeq(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(strings.TrimSpace(lo))
		if err != nil {
			continue
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(strings.TrimSpace(hi)); err != nil {
				continue
			}
		}
		for i := a; i <= b; i++ {
			out[i] = true
		}
	}
	return out
}

// String formats the set as ascending, comma-separated intervals ("1,3-5,7").
func (s indexSet) String() string {
	idx := make([]int, 0, len(s))
	for i := range s {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	var b strings.Builder
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(idx[i]))
		if j > i {
			b.WriteString("-" + strconv.Itoa(idx[j]))
		}
		i = j + 1
	}
	return b.String()
}

// countBelow returns how many members are in [0, n).
func (s indexSet) countBelow(n int) int {
	c := 0
	for i := range s {
		if i >= 0 && i < n {
			c++
		}
	}
	return c
}
