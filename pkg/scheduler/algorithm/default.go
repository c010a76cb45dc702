package algorithm

import (
	"math/rand/v2"

	"skiff/pkg/scheduler/framework"
	"skiff/pkg/scheduler/plugins/interpodaffinity"
	"skiff/pkg/scheduler/plugins/nodeaffinity"
	"skiff/pkg/scheduler/plugins/nodename"
	"skiff/pkg/scheduler/plugins/nodeports"
	"skiff/pkg/scheduler/plugins/nodeready"
	"skiff/pkg/scheduler/plugins/noderesources"
	"skiff/pkg/scheduler/plugins/nodeunschedulable"
	"skiff/pkg/scheduler/plugins/podtopologyspread"
	"skiff/pkg/scheduler/plugins/tainttoleration"
)

// DefaultFilters returns upstream's default filters in upstream's order, with NodeReady
// after TaintToleration.
func DefaultFilters() []framework.FilterPlugin {
	return []framework.FilterPlugin{
		nodeunschedulable.New(),
		nodename.New(),
		tainttoleration.New(),
		nodeready.New(),
		nodeaffinity.New(),
		nodeports.New(),
		noderesources.NewFit(),
		podtopologyspread.New(),
		interpodaffinity.New(),
	}
}

// DefaultScores returns upstream's default score plugins and weights.
func DefaultScores() []WeightedScorePlugin {
	return []WeightedScorePlugin{
		{Plugin: tainttoleration.New(), Weight: 3},
		{Plugin: nodeaffinity.New(), Weight: 2},
		{Plugin: podtopologyspread.New(), Weight: 2},
		{Plugin: interpodaffinity.New(), Weight: 2},
		{Plugin: noderesources.NewLeastAllocated(), Weight: 1},
		{Plugin: noderesources.NewBalancedAllocation(), Weight: 1},
	}
}

// Default returns a Scheduler with the default plugins, ties broken by rnd and the
// adaptive share of nodes to score.
func Default(rnd *rand.Rand) *Scheduler {
	return New(DefaultFilters(), DefaultScores(), rnd, 0)
}
