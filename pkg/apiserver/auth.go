package apiserver

import (
	"context"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// User is an authenticated caller.
type User struct {
	Name   string
	Groups []string
}

// Authenticator identifies the caller of a request; ok is false when it has no valid credentials.
type Authenticator interface {
	Authenticate(r *http.Request) (user User, ok bool)
}

// Attributes describe a request for authorization.
type Attributes struct {
	User        User
	Verb        string
	Namespace   string
	Resource    schema.GroupVersionResource
	Subresource string
	Name        string
	Path        string
}

// Authorizer decides whether a request is allowed; reason explains a denial.
type Authorizer interface {
	Authorize(ctx context.Context, a Attributes) (allowed bool, reason string, err error)
}

// CertAuthenticator accepts clients whose TLS certificate chain was verified by the server's
// client CA: the user is the certificate's CN, the groups its O values.
type CertAuthenticator struct{}

// Authenticate implements Authenticator.
func (CertAuthenticator) Authenticate(r *http.Request) (User, bool) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return User{}, false
	}
	c := r.TLS.VerifiedChains[0][0]
	return User{Name: c.Subject.CommonName, Groups: append([]string{"system:authenticated"}, c.Subject.Organization...)}, true
}

// AuthenticatorFunc adapts a function to Authenticator.
type AuthenticatorFunc func(r *http.Request) (User, bool)

// Authenticate implements Authenticator.
func (f AuthenticatorFunc) Authenticate(r *http.Request) (User, bool) { return f(r) }

// Union tries each authenticator in turn.
type Union []Authenticator

// Authenticate implements Authenticator.
func (u Union) Authenticate(r *http.Request) (User, bool) {
	for _, a := range u {
		if user, ok := a.Authenticate(r); ok {
			return user, true
		}
	}
	return User{}, false
}

type userKey struct{}

func withUser(ctx context.Context, u User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// UserFrom returns the authenticated user of a request context.
func UserFrom(ctx context.Context) (User, bool) {
	u, ok := ctx.Value(userKey{}).(User)
	return u, ok
}

func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (User, bool) {
	if s.cfg.Authenticator == nil {
		return User{Name: "admin", Groups: []string{"system:masters", "system:authenticated"}}, true
	}
	u, ok := s.cfg.Authenticator.Authenticate(r)
	if !ok {
		writeError(w, r, s, apierrors.NewUnauthorized("Unauthorized"))
	}
	return u, ok
}

func (s *Server) authorize(r *http.Request, ri requestInfo) error {
	if s.cfg.Authorizer == nil {
		return nil
	}
	u, _ := UserFrom(r.Context())
	a := Attributes{User: u, Verb: ri.verb, Namespace: ri.namespace, Resource: ri.gv.WithResource(ri.resource), Subresource: ri.subresource, Name: ri.name, Path: r.URL.Path}
	ok, reason, err := s.cfg.Authorizer.Authorize(r.Context(), a)
	if err != nil {
		return apierrors.NewInternalError(err)
	}
	if !ok {
		return apierrors.NewForbidden(schema.GroupResource{Group: ri.gv.Group, Resource: ri.resource}, ri.name, errorString(reason))
	}
	return nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
