package daemonset

// Exposed to the integration tests.
var (
	TargetNode = targetNode
	Tolerated  = tolerated
	IsReady    = isReady
)
