package openapi

import (
	"bytes"
	"crypto/sha512"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	openapi_v2 "github.com/google/gnostic-models/openapiv2"
	"google.golang.org/protobuf/proto"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Media types of the v2 document in protobuf: client-go asks for the first
// and, since "@" is not valid in a Content-Type, expects the second back.
const (
	mimeV2Proto       = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
	mimeV2ProtoDotted = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
)

// swaggerCache renders the v2 document once, in JSON and protobuf.
type swaggerCache struct {
	build func() *spec.Swagger

	jsonOnce sync.Once
	json     encoded
	pbOnce   sync.Once
	pb       encoded
}

// encoded is one rendering of the document.
type encoded struct {
	data     []byte
	etag     string
	modified time.Time
	err      error
}

func newSwaggerCache(build func() *spec.Swagger) *swaggerCache {
	return &swaggerCache{build: build}
}

func (c *swaggerCache) jsonDoc() encoded {
	c.jsonOnce.Do(func() {
		data, err := json.Marshal(c.build())
		c.json = newEncoded(data, err)
	})
	return c.json
}

func (c *swaggerCache) protoDoc() encoded {
	c.pbOnce.Do(func() {
		j := c.jsonDoc()
		if j.err != nil {
			c.pb = j
			return
		}
		c.pb = newEncoded(toV2Proto(j.data))
	})
	return c.pb
}

// toV2Proto converts the JSON v2 document to its gnostic protobuf form.
func toV2Proto(data []byte) ([]byte, error) {
	doc, err := openapi_v2.ParseDocument(data)
	if err != nil {
		return nil, fmt.Errorf("parse openapi v2: %w", err)
	}
	return proto.Marshal(doc)
}

func newEncoded(data []byte, err error) encoded {
	if err != nil {
		return encoded{err: err}
	}
	return encoded{data: data, etag: strconv.Quote(fmt.Sprintf("%X", sha512.Sum512(data))), modified: time.Now()}
}

// serve writes the document in the format the Accept header prefers.
func (c *swaggerCache) serve(w http.ResponseWriter, r *http.Request) {
	doc, contentType := c.jsonDoc(), "application/json"
	if wantsProto(r.Header.Get("Accept")) {
		doc, contentType = c.protoDoc(), mimeV2ProtoDotted
	}
	if doc.err != nil {
		http.Error(w, doc.err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Etag", doc.etag)
	w.Header().Add("Vary", "Accept")
	http.ServeContent(w, r, "", doc.modified, bytes.NewReader(doc.data))
}

// wantsProto reports whether accept lists a v2 protobuf media type before
// any JSON one.
func wantsProto(accept string) bool {
	for _, clause := range strings.Split(accept, ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(clause), ";")
		switch mt {
		case mimeV2Proto, mimeV2ProtoDotted:
			return true
		case "application/json", "*/*", "application/*":
			return false
		}
	}
	return false
}
