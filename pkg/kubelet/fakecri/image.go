package fakecri

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	runtimeapi "k8s.io/cri-api/pkg/apis/runtime/v1"
)

// imageID is the fake digest of an image reference.
func imageID(ref string) string {
	sum := sha256.Sum256([]byte(ref))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// AddImage makes images present, as if imported.
func (s *Server) AddImage(refs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ref := range refs {
		s.images[ref] = &runtimeapi.Image{Id: imageID(ref), RepoTags: []string{ref}, Size: 1 << 20}
	}
}

// HasImage reports whether ref is present.
func (s *Server) HasImage(ref string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.images[ref]
	return ok
}

// SetPullError makes pulls of ref fail with err (nil: pulls succeed again).
func (s *Server) SetPullError(ref string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err == nil {
		delete(s.pullErrs, ref)
		return
	}
	s.pullErrs[ref] = err
}

// ListImages lists present images.
func (s *Server) ListImages(_ context.Context, req *runtimeapi.ListImagesRequest) (*runtimeapi.ListImagesResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ListImages", req); err != nil {
		return nil, err
	}
	var out []*runtimeapi.Image
	for _, ref := range sortedKeys(s.images) {
		out = append(out, s.images[ref])
	}
	return &runtimeapi.ListImagesResponse{Images: out}, nil
}

// ImageStatus reports an image, or a nil image when absent (as CRI runtimes do).
func (s *Server) ImageStatus(_ context.Context, req *runtimeapi.ImageStatusRequest) (*runtimeapi.ImageStatusResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ImageStatus", req); err != nil {
		return nil, err
	}
	return &runtimeapi.ImageStatusResponse{Image: s.images[req.Image.GetImage()]}, nil
}

// PullImage makes the image present unless a pull error is set for it.
func (s *Server) PullImage(_ context.Context, req *runtimeapi.PullImageRequest) (*runtimeapi.PullImageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("PullImage", req); err != nil {
		return nil, err
	}
	ref := req.Image.GetImage()
	if err := s.pullErrs[ref]; err != nil {
		return nil, status.Error(codes.Unknown, err.Error())
	}
	s.images[ref] = &runtimeapi.Image{Id: imageID(ref), RepoTags: []string{ref}, Size: 1 << 20}
	return &runtimeapi.PullImageResponse{ImageRef: imageID(ref)}, nil
}

// RemoveImage deletes an image. Unknown images succeed.
func (s *Server) RemoveImage(_ context.Context, req *runtimeapi.RemoveImageRequest) (*runtimeapi.RemoveImageResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("RemoveImage", req); err != nil {
		return nil, err
	}
	delete(s.images, req.Image.GetImage())
	return &runtimeapi.RemoveImageResponse{}, nil
}

// ImageFsInfo reports no filesystems.
func (s *Server) ImageFsInfo(_ context.Context, req *runtimeapi.ImageFsInfoRequest) (*runtimeapi.ImageFsInfoResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.record("ImageFsInfo", req); err != nil {
		return nil, err
	}
	return &runtimeapi.ImageFsInfoResponse{}, nil
}
