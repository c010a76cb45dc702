package join

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"skiff/pkg/pki"
)

// Paths served by Handler on the API server port.
const (
	JoinPath    = "/skiff/v1/join"
	CACertsPath = "/cacerts"
)

// JoinRequest is the body of POST /skiff/v1/join.
type JoinRequest struct {
	NodeName  string   `json:"nodeName"`
	Addresses []string `json:"addresses,omitempty"`
}

// Handler serves JoinPath and CACertsPath. It is safe for concurrent use.
type Handler struct {
	CA    *pki.CA
	Token Token
	Log   *slog.Logger
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == CACertsPath && r.Method == http.MethodGet:
		w.Header().Set("Content-Type", "application/x-pem-file")
		w.Write(h.CA.CertPEM())
	case r.URL.Path == JoinPath && r.Method == http.MethodPost:
		h.join(w, r)
	case r.URL.Path == JoinPath || r.URL.Path == CACertsPath:
		writeStatus(w, apierrors.NewMethodNotSupported(schema.GroupResource{}, r.Method))
	default:
		writeStatus(w, apierrors.NewNotFound(schema.GroupResource{}, r.URL.Path))
	}
}

func (h *Handler) join(w http.ResponseWriter, r *http.Request) {
	if !h.authorized(r) {
		writeStatus(w, apierrors.NewUnauthorized("invalid join token"))
		return
	}
	var req JoinRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		writeStatus(w, apierrors.NewBadRequest("join request: "+err.Error()))
		return
	}
	b, err := Issue(h.CA, req.NodeName, req.Addresses)
	if err != nil {
		writeStatus(w, apierrors.NewBadRequest(err.Error()))
		return
	}
	if h.Log != nil {
		h.Log.Info("node joined", "node", req.NodeName, "addresses", req.Addresses, "remote", r.RemoteAddr)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(b)
}

// authorized checks the Bearer token: a full token or its bare secret.
func (h *Handler) authorized(r *http.Request) bool {
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	t, err := ParseToken(raw)
	if err != nil {
		return false
	}
	return h.Token.matches(t.Secret)
}

func writeStatus(w http.ResponseWriter, err *apierrors.StatusError) {
	st := err.ErrStatus
	st.TypeMeta = metav1.TypeMeta{Kind: "Status", APIVersion: "v1"}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(int(st.Code))
	json.NewEncoder(w).Encode(&st)
}
