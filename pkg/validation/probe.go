package validation

import (
	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/intstr"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// validateProbe checks one handler and the timings; liveness and startup
// probes must have successThreshold 1.
func validateProbe(pr *corev1.Probe, p *field.Path, mustSucceedOnce bool) field.ErrorList {
	if pr == nil {
		return nil
	}
	h := pr.ProbeHandler
	errs := validateHandler(p, handlerSet{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, grpc: h.GRPC})
	for _, f := range []struct {
		name  string
		value int32
	}{
		{"initialDelaySeconds", pr.InitialDelaySeconds},
		{"timeoutSeconds", pr.TimeoutSeconds},
		{"periodSeconds", pr.PeriodSeconds},
		{"successThreshold", pr.SuccessThreshold},
		{"failureThreshold", pr.FailureThreshold},
	} {
		errs = append(errs, apivalidation.ValidateNonnegativeField(int64(f.value), p.Child(f.name))...)
	}
	if mustSucceedOnce && pr.SuccessThreshold != 1 {
		errs = append(errs, field.Invalid(p.Child("successThreshold"), pr.SuccessThreshold, "must be 1"))
	}
	return append(errs, positive(pr.TerminationGracePeriodSeconds, p.Child("terminationGracePeriodSeconds"))...)
}

func validateLifecycle(l *corev1.Lifecycle, p *field.Path) field.ErrorList {
	if l == nil {
		return nil
	}
	var errs field.ErrorList
	for _, hook := range []struct {
		name string
		h    *corev1.LifecycleHandler
	}{{"postStart", l.PostStart}, {"preStop", l.PreStop}} {
		if h := hook.h; h != nil {
			errs = append(errs, validateHandler(p.Child(hook.name),
				handlerSet{exec: h.Exec, httpGet: h.HTTPGet, tcpSocket: h.TCPSocket, sleep: h.Sleep})...)
		}
	}
	return errs
}

// handlerSet holds the handler fields of a probe or a lifecycle hook.
type handlerSet struct {
	exec      *corev1.ExecAction
	httpGet   *corev1.HTTPGetAction
	tcpSocket *corev1.TCPSocketAction
	grpc      *corev1.GRPCAction
	sleep     *corev1.SleepAction
}

// validateHandler requires exactly one handler and checks it.
func validateHandler(p *field.Path, h handlerSet) field.ErrorList {
	var errs field.ErrorList
	count := 0
	set := func(isSet bool, name string, check func() field.ErrorList) {
		if !isSet {
			return
		}
		if count++; count > 1 {
			errs = append(errs, field.Forbidden(p.Child(name), "may not specify more than 1 handler type"))
			return
		}
		errs = append(errs, check()...)
	}
	set(h.exec != nil, "exec", func() field.ErrorList { return validateExec(h.exec, p.Child("exec")) })
	set(h.httpGet != nil, "httpGet", func() field.ErrorList { return validateHTTPGet(h.httpGet, p.Child("httpGet")) })
	set(h.tcpSocket != nil, "tcpSocket", func() field.ErrorList { return validatePortNumOrName(h.tcpSocket.Port, p.Child("tcpSocket", "port")) })
	set(h.grpc != nil, "grpc", func() field.ErrorList {
		return invalidEach(p.Child("grpc", "port"), h.grpc.Port, utilvalidation.IsValidPortNum(int(h.grpc.Port)))
	})
	set(h.sleep != nil, "sleep", func() field.ErrorList {
		return apivalidation.ValidateNonnegativeField(h.sleep.Seconds, p.Child("sleep", "seconds"))
	})
	if count == 0 {
		errs = append(errs, field.Required(p, "must specify a handler type"))
	}
	return errs
}

func validateExec(e *corev1.ExecAction, p *field.Path) field.ErrorList {
	if len(e.Command) == 0 {
		return field.ErrorList{field.Required(p.Child("command"), "")}
	}
	return nil
}

func validateHTTPGet(h *corev1.HTTPGetAction, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if h.Path == "" {
		errs = append(errs, field.Required(p.Child("path"), ""))
	}
	errs = append(errs, validatePortNumOrName(h.Port, p.Child("port"))...)
	errs = append(errs, oneOf(h.Scheme, p.Child("scheme"), corev1.URISchemeHTTP, corev1.URISchemeHTTPS)...)
	for i, header := range h.HTTPHeaders {
		errs = append(errs, invalidEach(p.Child("httpHeaders").Index(i).Child("name"), header.Name,
			utilvalidation.IsHTTPHeaderName(header.Name))...)
	}
	return errs
}

// validatePortNumOrName accepts a port number in 1-65535 or an IANA service
// name.
func validatePortNumOrName(port intstr.IntOrString, p *field.Path) field.ErrorList {
	if port.Type == intstr.String {
		return invalidEach(p, port.StrVal, utilvalidation.IsValidPortName(port.StrVal))
	}
	return invalidEach(p, port.IntVal, utilvalidation.IsValidPortNum(int(port.IntVal)))
}
