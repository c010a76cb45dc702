package kubelet

import (
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// isNotFound reports whether a CRI call failed because the object does not exist.
func isNotFound(err error) bool {
	return err != nil && status.Code(err) == codes.NotFound
}
