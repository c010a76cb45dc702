package validation

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

const (
	maxDNSNameservers = 3
	maxDNSSearchPaths = 32
)

// validateDNS checks spec.dnsPolicy and spec.dnsConfig; policy None needs a
// dnsConfig with at least one nameserver.
func validateDNS(s *corev1.PodSpec, path *field.Path) field.ErrorList {
	errs := oneOf(s.DNSPolicy, path.Child("dnsPolicy"), corev1.DNSClusterFirstWithHostNet,
		corev1.DNSClusterFirst, corev1.DNSDefault, corev1.DNSNone)
	cfgPath := path.Child("dnsConfig")
	if s.DNSPolicy == corev1.DNSNone {
		if s.DNSConfig == nil {
			return append(errs, field.Required(cfgPath, "must provide `dnsConfig` when `dnsPolicy` is None"))
		}
		if len(s.DNSConfig.Nameservers) == 0 {
			errs = append(errs, field.Required(cfgPath.Child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None"))
		}
	}
	if s.DNSConfig != nil {
		errs = append(errs, validateDNSConfig(s.DNSConfig, cfgPath)...)
	}
	return errs
}

func validateDNSConfig(c *corev1.PodDNSConfig, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(c.Nameservers) > maxDNSNameservers {
		errs = append(errs, field.Invalid(path.Child("nameservers"), c.Nameservers,
			fmt.Sprintf("must not have more than %d nameservers", maxDNSNameservers)))
	}
	for i, ns := range c.Nameservers {
		errs = append(errs, utilvalidation.IsValidIP(path.Child("nameservers").Index(i), ns)...)
	}
	if len(c.Searches) > maxDNSSearchPaths {
		errs = append(errs, field.Invalid(path.Child("searches"), c.Searches,
			fmt.Sprintf("must not have more than %d search paths", maxDNSSearchPaths)))
	}
	for i, search := range c.Searches {
		if search == "." {
			continue
		}
		search = strings.TrimSuffix(search, ".")
		errs = append(errs, invalidEach(path.Child("searches").Index(i), search, isDNS1123Subdomain(search))...)
	}
	for i, opt := range c.Options {
		if opt.Name == "" {
			errs = append(errs, field.Required(path.Child("options").Index(i), "Option.Name must not be empty"))
		}
	}
	return errs
}
