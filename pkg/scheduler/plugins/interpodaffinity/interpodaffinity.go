// Package interpodaffinity enforces required inter-pod affinity and anti-affinity (the
// incoming pod's terms and existing pods' anti-affinity against it) and scores nodes by
// preferred terms in both directions.
package interpodaffinity

import (
	"skiff/pkg/scheduler/framework"
)

// Name is the plugin name.
const Name = "InterPodAffinity"

// Upstream's failure reasons.
const (
	ErrReasonAffinityRulesNotMatch             = "node(s) didn't match pod affinity rules"
	ErrReasonAntiAffinityRulesNotMatch         = "node(s) didn't match pod anti-affinity rules"
	ErrReasonExistingAntiAffinityRulesNotMatch = "node(s) didn't satisfy existing pods anti-affinity rules"
)

// hardPodAffinityWeight is the score an existing pod's required affinity term contributes
// when it matches the incoming pod (upstream's default).
const hardPodAffinityWeight = 1

// InterPodAffinity is the filter and score plugin; the zero value is ready to use.
type InterPodAffinity struct{}

var (
	_ framework.PreFilterPlugin     = (*InterPodAffinity)(nil)
	_ framework.PreFilterExtensions = (*InterPodAffinity)(nil)
	_ framework.FilterPlugin        = (*InterPodAffinity)(nil)
	_ framework.PreScorePlugin      = (*InterPodAffinity)(nil)
	_ framework.ScorePlugin         = (*InterPodAffinity)(nil)
	_ framework.ScoreExtensions     = (*InterPodAffinity)(nil)
)

// New returns the plugin.
func New() *InterPodAffinity { return &InterPodAffinity{} }

// Name returns Name.
func (*InterPodAffinity) Name() string { return Name }

type topologyPair struct{ key, value string }

// counts maps a topology domain to a number of matching pods (or summed weights).
type counts map[topologyPair]int64

func (c counts) add(labels map[string]string, key string, delta int64) {
	if v, ok := labels[key]; ok {
		p := topologyPair{key, v}
		c[p] += delta
		if c[p] == 0 {
			delete(c, p)
		}
	}
}

func (c counts) clone() counts {
	out := make(counts, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}
