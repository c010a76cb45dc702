package nodeipam

import "testing"

func TestSubnets(t *testing.T) {
	tests := []struct {
		cluster     string
		mask, count int
		subnets     map[int]string
		notOurs     []string
	}{
		{cluster: "10.42.0.0/16", mask: 24, count: 256, subnets: map[int]string{0: "10.42.0.0/24", 1: "10.42.1.0/24", 255: "10.42.255.0/24"},
			notOurs: []string{"10.43.0.0/24", "10.42.0.0/25", "10.42.0.128/24", "bogus", "10.42.0.0/16"}},
		{cluster: "10.42.0.0/16", mask: 26, count: 1024, subnets: map[int]string{1: "10.42.0.64/26", 4: "10.42.1.0/26"}},
		{cluster: "10.42.0.0/24", mask: 24, count: 1, subnets: map[int]string{0: "10.42.0.0/24"}},
		{cluster: "fd42::/56", mask: 64, count: 256, subnets: map[int]string{2: "fd42:0:0:2::/64"}},
	}
	for _, tt := range tests {
		t.Run(tt.cluster, func(t *testing.T) {
			s, err := NewSubnets(tt.cluster, tt.mask)
			if err != nil {
				t.Fatal(err)
			}
			if s.Count() != tt.count {
				t.Errorf("Count = %d, want %d", s.Count(), tt.count)
			}
			for i, want := range tt.subnets {
				if got := s.Subnet(i).String(); got != want {
					t.Errorf("Subnet(%d) = %s, want %s", i, got, want)
				}
				if j, ok := s.Index(want); !ok || j != i {
					t.Errorf("Index(%s) = %d,%v; want %d", want, j, ok, i)
				}
			}
			for _, c := range tt.notOurs {
				if _, ok := s.Index(c); ok {
					t.Errorf("Index(%s) accepted", c)
				}
			}
		})
	}
	if _, err := NewSubnets("10.42.0.0/16", 8); err == nil {
		t.Error("mask shorter than the cluster CIDR accepted")
	}
}
