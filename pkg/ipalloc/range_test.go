package ipalloc

import "testing"

func TestIPRange(t *testing.T) {
	tests := []struct {
		cidr        string
		size        int
		first, last string
		in          []string
		out         []string
	}{
		{cidr: "10.43.0.0/16", size: 65534, first: "10.43.0.1", last: "10.43.255.254",
			in: []string{"10.43.0.10", "10.43.1.0"}, out: []string{"10.43.0.0", "10.43.255.255", "10.44.0.1", "bogus", "::1"}},
		{cidr: "10.0.0.0/30", size: 2, first: "10.0.0.1", last: "10.0.0.2", out: []string{"10.0.0.3"}},
		{cidr: "10.43.7.9/24", size: 254, first: "10.43.7.1", last: "10.43.7.254"},
		{cidr: "fd00::/120", size: 254, first: "fd00::1", last: "fd00::fe", in: []string{"fd00::10"}, out: []string{"fd00::ff"}},
		{cidr: "fd00::/64", size: maxIPItems, first: "fd00::1"},
	}
	for _, tt := range tests {
		t.Run(tt.cidr, func(t *testing.T) {
			r, err := ParseIPRange(tt.cidr)
			if err != nil {
				t.Fatal(err)
			}
			if r.Size() != tt.size {
				t.Errorf("Size = %d, want %d", r.Size(), tt.size)
			}
			if got := r.Item(0); got != tt.first {
				t.Errorf("Item(0) = %s, want %s", got, tt.first)
			}
			if tt.last != "" {
				if got := r.Item(r.Size() - 1); got != tt.last {
					t.Errorf("last = %s, want %s", got, tt.last)
				}
			}
			for _, ip := range tt.in {
				if i, ok := r.Index(ip); !ok || r.Item(i) != ip {
					t.Errorf("Index(%s) = %d,%v; not the inverse of Item", ip, i, ok)
				}
			}
			for _, ip := range tt.out {
				if _, ok := r.Index(ip); ok {
					t.Errorf("Index(%s) accepted an address outside the usable range", ip)
				}
			}
		})
	}
	for _, bad := range []string{"10.0.0.0/31", "10.0.0.1/32", "nope", "10.0.0.0/33"} {
		if _, err := ParseIPRange(bad); err == nil {
			t.Errorf("ParseIPRange(%q) succeeded", bad)
		}
	}
}

func TestPortRange(t *testing.T) {
	tests := []struct {
		in      string
		want    PortRange
		wantErr bool
	}{
		{in: "30000-32767", want: PortRange{Base: 30000, Count: 2768}},
		{in: " 80 - 81 ", want: PortRange{Base: 80, Count: 2}},
		{in: "8080", want: PortRange{Base: 8080, Count: 1}},
		{in: "0-10", wantErr: true},
		{in: "100-99", wantErr: true},
		{in: "1-65536", wantErr: true},
		{in: "a-b", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParsePortRange(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	r := PortRange{Base: 30000, Count: 2768}
	if r.String() != "30000-32767" || r.Item(80) != "30080" {
		t.Errorf("String/Item: %s %s", r.String(), r.Item(80))
	}
	if i, ok := r.Index("32767"); !ok || i != 2767 {
		t.Errorf("Index(32767) = %d,%v", i, ok)
	}
	for _, p := range []string{"29999", "32768", "x"} {
		if _, ok := r.Index(p); ok {
			t.Errorf("Index(%s) accepted", p)
		}
	}
}
