package imagebuild

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Push copies the image in a tarball written by Build to a plain-HTTP registry (such as an
// in-process go-containerregistry pkg/registry on 127.0.0.1) as repo:tag, through the registry
// v2 API. Tests use it to exercise real pulls. It blocks until the manifest is stored.
func Push(ctx context.Context, tarPath, registryURL, repo, tag string) error {
	img, err := tarball.ImageFromPath(tarPath, nil)
	if err != nil {
		return err
	}
	p := pusher{ctx: ctx, base: strings.TrimSuffix(registryURL, "/"), repo: repo}
	layers, err := img.Layers()
	if err != nil {
		return err
	}
	for _, l := range layers {
		d, err := l.Digest()
		if err != nil {
			return err
		}
		if err := p.blob(d, l.Compressed); err != nil {
			return err
		}
	}
	cfgName, err := img.ConfigName()
	if err != nil {
		return err
	}
	cfg, err := img.RawConfigFile()
	if err != nil {
		return err
	}
	if err := p.blob(cfgName, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(cfg))), nil }); err != nil {
		return err
	}
	return p.manifest(img, tag)
}

// pusher speaks the registry v2 upload API for one repository.
type pusher struct {
	ctx  context.Context
	base string
	repo string
}

// blob uploads one blob monolithically (POST for an upload URL, then PUT with the digest).
func (p pusher) blob(d v1.Hash, open func() (io.ReadCloser, error)) error {
	resp, err := p.do(http.MethodPost, p.base+"/v2/"+p.repo+"/blobs/uploads/", "", nil, http.StatusAccepted)
	if err != nil {
		return err
	}
	loc, err := url.Parse(p.base)
	if err != nil {
		return err
	}
	loc, err = loc.Parse(resp.Header.Get("Location"))
	if err != nil {
		return err
	}
	q := loc.Query()
	q.Set("digest", d.String())
	loc.RawQuery = q.Encode()
	body, err := open()
	if err != nil {
		return err
	}
	defer body.Close()
	_, err = p.do(http.MethodPut, loc.String(), "application/octet-stream", body, http.StatusCreated)
	return err
}

func (p pusher) manifest(img v1.Image, tag string) error {
	raw, err := img.RawManifest()
	if err != nil {
		return err
	}
	mt, err := img.MediaType()
	if err != nil {
		return err
	}
	_, err = p.do(http.MethodPut, p.base+"/v2/"+p.repo+"/manifests/"+tag, string(mt), strings.NewReader(string(raw)), http.StatusCreated)
	return err
}

func (p pusher) do(method, u, contentType string, body io.Reader, want int) (*http.Response, error) {
	req, err := http.NewRequestWithContext(p.ctx, method, u, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return nil, fmt.Errorf("%s %s: %s: %s", method, u, resp.Status, msg)
	}
	return resp, nil
}
