package printers

import (
	"fmt"
	"strings"
	"time"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
)

func ingressColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Class", typeString, "The name of the IngressClass resource that should be used for additional configuration"),
		col("Hosts", typeString, "Hosts that incoming requests are matched against before the ingress rule"),
		col("Address", typeString, "Address is a list containing ingress points for the load-balancer"),
		col("Ports", typeString, "Ports of TLS configurations that open"),
		ageColumn(),
	}
}

func ingressCells(in *networkingv1.Ingress, now time.Time) []any {
	class := none
	if in.Spec.IngressClassName != nil {
		class = *in.Spec.IngressClassName
	}
	addresses := sets.New[string]()
	for _, lb := range in.Status.LoadBalancer.Ingress {
		if lb.IP != "" {
			addresses.Insert(lb.IP)
		} else if lb.Hostname != "" {
			addresses.Insert(lb.Hostname)
		}
	}
	ports := "80"
	if len(in.Spec.TLS) > 0 {
		ports = "80, 443"
	}
	return []any{in.Name, class, ingressHosts(in.Spec.Rules), strings.Join(sets.List(addresses), ","), ports, age(in.CreationTimestamp, now)}
}

// ingressHosts lists the first rule hosts, "*" when no rule names one.
// Past the first hosts, every further rule counts in "+ N more...".
func ingressHosts(rules []networkingv1.IngressRule) string {
	var list []string
	more := false
	for _, r := range rules {
		if len(list) == maxListed {
			more = true
		}
		if !more && r.Host != "" {
			list = append(list, r.Host)
		}
	}
	switch {
	case len(list) == 0:
		return "*"
	case more:
		return fmt.Sprintf("%s + %d more...", strings.Join(list, ","), len(rules)-maxListed)
	}
	return strings.Join(list, ",")
}

func ingressClassColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Controller", typeString, "Controller that is responsible for handling this class"),
		col("Parameters", typeString, "A reference to a resource with additional parameters"),
		ageColumn(),
	}
}

func ingressClassCells(c *networkingv1.IngressClass, now time.Time) []any {
	params := none
	if p := c.Spec.Parameters; p != nil {
		params = p.Kind
		if p.APIGroup != nil {
			params += "." + *p.APIGroup
		}
		params += "/" + p.Name
	}
	return []any{c.Name, c.Spec.Controller, params, age(c.CreationTimestamp, now)}
}

func networkPolicyColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Pod-Selector", typeString, networkingv1.NetworkPolicySpec{}.SwaggerDoc()["podSelector"]),
		ageColumn(),
	}
}

func networkPolicyCells(np *networkingv1.NetworkPolicy, now time.Time) []any {
	return []any{np.Name, metav1.FormatLabelSelector(&np.Spec.PodSelector), age(np.CreationTimestamp, now)}
}
