// Package cm manages the kubelet's cgroups (cgroup v1, cgroupfs driver) and turns pod specs
// into CRI Linux resources.
//
// Pods live under /kubepods/<qos>/pod<uid> in every mounted v1 hierarchy; the runtime puts
// each container (and the sandbox) one level below, at /kubepods/<qos>/pod<uid>/<id>. The pure
// functions (PodCgroupParent, ContainerResources, SandboxResources, OOMScoreAdj) do no I/O
// except reading the machine's memory size once; Manager does the cgroupfs writes.
package cm
