package printers

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
)

// maxListed is how many endpoints or ports a cell lists before "+ N more...".
const maxListed = 3

func serviceColumns() []metav1.TableColumnDefinition {
	doc := corev1.ServiceSpec{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Type", typeString, doc["type"]),
		col("Cluster-IP", typeString, doc["clusterIP"]),
		col("External-IP", typeString, doc["externalIPs"]),
		col("Port(s)", typeString, doc["ports"]),
		ageColumn(),
		wide("Selector", typeString, doc["selector"]),
	}
}

func serviceCells(svc *corev1.Service, now time.Time) []any {
	return []any{
		svc.Name,
		string(svc.Spec.Type),
		orNone(clusterIP(svc)),
		externalIP(svc),
		orNone(servicePorts(svc.Spec.Ports)),
		age(svc.CreationTimestamp, now),
		labels.FormatLabels(svc.Spec.Selector),
	}
}

// clusterIP is the primary cluster IP ("None" for a headless service).
func clusterIP(svc *corev1.Service) string {
	if len(svc.Spec.ClusterIPs) > 0 {
		return svc.Spec.ClusterIPs[0]
	}
	return svc.Spec.ClusterIP
}

// externalIP lists the external IPs of a service: load balancer ingress
// points (or <pending>) and spec.externalIPs, or the external name.
func externalIP(svc *corev1.Service) string {
	switch svc.Spec.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort:
		return orNone(strings.Join(svc.Spec.ExternalIPs, ","))
	case corev1.ServiceTypeLoadBalancer:
		ips := append(loadBalancerAddresses(svc.Status.LoadBalancer), svc.Spec.ExternalIPs...)
		if len(ips) == 0 {
			return "<pending>"
		}
		return strings.Join(ips, ",")
	case corev1.ServiceTypeExternalName:
		return svc.Spec.ExternalName
	}
	return "<unknown>"
}

// loadBalancerAddresses returns the sorted, distinct ingress IPs (or
// hostnames when no IP is given).
func loadBalancerAddresses(lb corev1.LoadBalancerStatus) []string {
	set := sets.New[string]()
	for _, in := range lb.Ingress {
		if in.IP != "" {
			set.Insert(in.IP)
		} else if in.Hostname != "" {
			set.Insert(in.Hostname)
		}
	}
	return sets.List(set)
}

// servicePorts formats ports as "80/TCP" or "80:30080/TCP" with a node port.
func servicePorts(ports []corev1.ServicePort) string {
	pieces := make([]string, len(ports))
	for i, p := range ports {
		pieces[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		if p.NodePort > 0 {
			pieces[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		}
	}
	return strings.Join(pieces, ",")
}

func endpointsColumns() []metav1.TableColumnDefinition {
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("Endpoints", typeString, corev1.Endpoints{}.SwaggerDoc()["subsets"]),
		ageColumn(),
	}
}

func endpointsCells(ep *corev1.Endpoints, now time.Time) []any {
	return []any{ep.Name, formatEndpoints(ep), age(ep.CreationTimestamp, now)}
}

// formatEndpoints lists the first ready addresses as "ip:port" (just "ip"
// for a subset without ports), or <none> without subsets.
func formatEndpoints(ep *corev1.Endpoints) string {
	if len(ep.Subsets) == 0 {
		return none
	}
	var list []string
	total := 0
	add := func(s string) {
		total++
		if len(list) < maxListed {
			list = append(list, s)
		}
	}
	for _, ss := range ep.Subsets {
		for _, addr := range ss.Addresses {
			if len(ss.Ports) == 0 {
				add(addr.IP)
			}
		}
		for _, port := range ss.Ports {
			for _, addr := range ss.Addresses {
				add(net.JoinHostPort(addr.IP, strconv.Itoa(int(port.Port))))
			}
		}
	}
	if total > len(list) {
		return fmt.Sprintf("%s + %d more...", strings.Join(list, ","), total-len(list))
	}
	return strings.Join(list, ",")
}
