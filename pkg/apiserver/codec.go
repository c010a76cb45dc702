package apiserver

import (
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	"sigs.k8s.io/yaml"
)

// output is the negotiated response format.
type output struct {
	info runtime.SerializerInfo
	// as is "", "Table", "PartialObjectMetadata" or "PartialObjectMetadataList".
	as string
	// tableVersion is the meta.k8s.io version of a Table/PartialObjectMetadata reply.
	asVersion string
}

// negotiate picks the response format from the Accept header (406 if none is served).
func (s *Server) negotiate(r *http.Request) (output, error) {
	accept := r.Header.Get("Accept")
	if accept == "" {
		return s.mediaOutput("application/json", "", "")
	}
	for _, clause := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(clause))
		if err != nil {
			continue
		}
		if mt == "*/*" || mt == "application/*" {
			mt = "application/json"
		}
		as := params["as"]
		if as != "" {
			if params["g"] != "meta.k8s.io" || (params["v"] != "v1" && params["v"] != "v1beta1") || mt == runtime.ContentTypeProtobuf {
				continue
			}
			if as != "Table" && as != "PartialObjectMetadata" && as != "PartialObjectMetadataList" {
				continue
			}
		}
		if out, err := s.mediaOutput(mt, as, params["v"]); err == nil {
			return out, nil
		}
	}
	return output{}, apierrors.NewGenericServerResponse(http.StatusNotAcceptable, "get", schema.GroupResource{}, "",
		fmt.Sprintf("only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf (got %q)", accept), 0, false)
}

func (s *Server) mediaOutput(mt, as, v string) (output, error) {
	for _, info := range s.codecs.SupportedMediaTypes() {
		if info.MediaType == mt {
			return output{info: info, as: as, asVersion: v}, nil
		}
	}
	return output{}, fmt.Errorf("unsupported %s", mt)
}

// write encodes obj with code in the negotiated format.
func (s *Server) write(w http.ResponseWriter, code int, obj runtime.Object, out output) {
	w.Header().Set("Content-Type", out.info.MediaType)
	w.WriteHeader(code)
	if err := out.info.Serializer.Encode(obj, w); err != nil {
		s.log.Error("encode response", "err", err)
	}
}

// readBody reads the request body (413 when too large).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if ok := asMaxBytes(err, &mbe); ok {
			return nil, tooLarge()
		}
		return nil, badRequest("reading request body: %v", err)
	}
	return data, nil
}

// decoded is a request body decoded into a typed object.
type decoded struct {
	obj      runtime.Object
	warnings []string
}

// decode decodes a create/update body as gvk, honouring fieldValidation (Strict, Warn, Ignore).
func (s *Server) decode(r *http.Request, data []byte, gvk schema.GroupVersionKind, into runtime.Object) (decoded, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if len(data) == 0 {
		return decoded{}, badRequest("the request body is empty: expected a %s object", gvk.Kind)
	}
	if ct == runtime.ContentTypeProtobuf {
		obj, got, err := s.codecs.UniversalDeserializer().Decode(data, &gvk, into)
		if err != nil {
			return decoded{}, badRequest("the body of the request could not be decoded: %v", err)
		}
		return decoded{obj: obj}, checkGVK(*got, gvk)
	}
	if ct == "application/yaml" || ct == "text/yaml" {
		j, err := yaml.YAMLToJSONStrict(data)
		if err != nil {
			if j, err = yaml.YAMLToJSON(data); err != nil {
				return decoded{}, badRequest("the body of the request is not valid YAML: %v", err)
			}
		}
		data = j
	} else if ct != "" && ct != "application/json" && ct != "*/*" {
		return decoded{}, unsupportedMediaType(ct)
	}
	return s.decodeJSON(r, data, gvk, into)
}

func (s *Server) decodeJSON(r *http.Request, data []byte, gvk schema.GroupVersionKind, into runtime.Object) (decoded, error) {
	mode, err := fieldValidation(r)
	if err != nil {
		return decoded{}, err
	}
	ser := kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, s.scheme, s.scheme, kjson.SerializerOptions{Strict: mode != "Ignore"})
	obj, got, err := ser.Decode(data, &gvk, into)
	var warnings []string
	if err != nil {
		strict, ok := runtime.AsStrictDecodingError(err)
		if !ok {
			return decoded{}, badRequest("the body of the request was in an unknown format or could not be decoded as %s: %v", gvk.Kind, err)
		}
		if mode == "Strict" {
			return decoded{}, badRequest("%s", strict.Error())
		}
		for _, e := range strict.Errors() {
			warnings = append(warnings, e.Error())
		}
	}
	return decoded{obj: obj, warnings: warnings}, checkGVK(*got, gvk)
}

func checkGVK(got, want schema.GroupVersionKind) error {
	if got.GroupVersion() != want.GroupVersion() {
		return badRequest("the API version in the data (%s) does not match the expected API version (%s)", got.GroupVersion(), want.GroupVersion())
	}
	if got.Kind != want.Kind {
		return badRequest("the kind in the data (%s) does not match the expected kind (%s)", got.Kind, want.Kind)
	}
	return nil
}

// fieldValidation returns the request's fieldValidation mode (default Warn).
func fieldValidation(r *http.Request) (string, error) {
	switch v := r.URL.Query().Get("fieldValidation"); v {
	case "":
		return "Warn", nil
	case "Strict", "Warn", "Ignore":
		return v, nil
	default:
		return "", badRequest("fieldValidation must be one of Ignore, Warn or Strict, got %q", v)
	}
}

// addWarnings sets Warning headers as upstream does (299 agent "text").
func addWarnings(w http.ResponseWriter, warnings []string) {
	for _, msg := range warnings {
		w.Header().Add("Warning", fmt.Sprintf("299 - %q", msg))
	}
}
