// Package plugins groups the scheduler's filter and score plugins, one package each
// (nodename, nodeunschedulable, nodeready, noderesources, nodeaffinity, tainttoleration,
// nodeports, interpodaffinity, podtopologyspread). Each follows upstream kube-scheduler's
// documented behaviour and failure reasons.
package plugins
