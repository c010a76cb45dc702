package printers

import (
	"strconv"
	"time"

	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func endpointSliceColumns() []metav1.TableColumnDefinition {
	doc := discoveryv1.EndpointSlice{}.SwaggerDoc()
	return []metav1.TableColumnDefinition{
		nameColumn(),
		col("AddressType", typeString, doc["addressType"]),
		col("Ports", typeString, doc["ports"]),
		col("Endpoints", typeString, doc["endpoints"]),
		ageColumn(),
	}
}

func endpointSliceCells(s *discoveryv1.EndpointSlice, now time.Time) []any {
	return []any{
		s.Name, string(s.AddressType), slicePorts(s.Ports), sliceAddresses(s.Endpoints),
		age(s.CreationTimestamp, now),
	}
}

// slicePorts lists the first port numbers (the name when unnumbered, "*"
// when neither), or <unset>.
func slicePorts(ports []discoveryv1.EndpointPort) string {
	var list []string
	for _, p := range ports {
		if len(list) == maxListed {
			break
		}
		switch {
		case p.Port != nil:
			list = append(list, strconv.Itoa(int(*p.Port)))
		case p.Name != nil:
			list = append(list, *p.Name)
		default:
			list = append(list, "*")
		}
	}
	return truncatedList(list, len(ports))
}

// sliceAddresses lists the first endpoint addresses, or <unset>.
func sliceAddresses(endpoints []discoveryv1.Endpoint) string {
	var list []string
	total := 0
	for _, e := range endpoints {
		for _, a := range e.Addresses {
			if len(list) < maxListed {
				list = append(list, a)
			}
			total++
		}
	}
	return truncatedList(list, total)
}
