package framework

import "iter"

// nodeSet is a set of NodeInfos by node name with O(1) add/remove and slice-speed
// iteration (no per-cycle allocation).
type nodeSet struct {
	names []string
	infos []*NodeInfo
	pos   map[string]int
}

func newNodeSet() *nodeSet { return &nodeSet{pos: map[string]int{}} }

func (s *nodeSet) set(name string, n *NodeInfo, member bool) {
	i, ok := s.pos[name]
	switch {
	case member && !ok:
		s.pos[name] = len(s.infos)
		s.names = append(s.names, name)
		s.infos = append(s.infos, n)
	case !member && ok:
		last := len(s.infos) - 1
		s.names[i], s.infos[i] = s.names[last], s.infos[last]
		s.pos[s.names[i]] = i
		s.names, s.infos = s.names[:last], s.infos[:last]
		delete(s.pos, name)
	}
}

// all yields the members that have a Node object.
func (s *nodeSet) all() iter.Seq[*NodeInfo] {
	return func(yield func(*NodeInfo) bool) {
		for _, n := range s.infos {
			if n.Node != nil && !yield(n) {
				return
			}
		}
	}
}
