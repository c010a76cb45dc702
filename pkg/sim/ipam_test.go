package sim

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/types"
)

func TestIPAM(t *testing.T) {
	cidr := netip.MustParsePrefix("10.128.3.0/24")
	type step struct {
		op   string // alloc, observe, release
		uid  types.UID
		ip   string // for observe
		want string // for alloc; "" means error
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"lowest free, stable per uid", []step{
			{op: "alloc", uid: "a", want: "10.128.3.2"},
			{op: "alloc", uid: "b", want: "10.128.3.3"},
			{op: "alloc", uid: "a", want: "10.128.3.2"},
		}},
		{"release reuses", []step{
			{op: "alloc", uid: "a", want: "10.128.3.2"},
			{op: "alloc", uid: "b", want: "10.128.3.3"},
			{op: "release", uid: "a"},
			{op: "alloc", uid: "c", want: "10.128.3.2"},
		}},
		{"observed addresses are skipped", []step{
			{op: "observe", uid: "old", ip: "10.128.3.2"},
			{op: "observe", uid: "other", ip: "10.128.3.2"},
			{op: "observe", uid: "x", ip: "garbage"},
			{op: "alloc", uid: "new", want: "10.128.3.3"},
			{op: "alloc", uid: "other", want: "10.128.3.4"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := newIPAM()
			for i, s := range tc.steps {
				switch s.op {
				case "observe":
					a.observe(s.ip, s.uid)
				case "release":
					a.release(s.uid)
				case "alloc":
					ip, err := a.allocate(cidr, s.uid)
					got := ip.String()
					if err != nil {
						got = ""
					}
					if diff := cmp.Diff(s.want, got); diff != "" {
						t.Errorf("step %d (-want +got):\n%s", i, diff)
					}
				}
			}
		})
	}
}

func TestIPAMExhausted(t *testing.T) {
	a := newIPAM()
	cidr := netip.MustParsePrefix("10.128.0.0/24")
	for i := range 253 { // .2 .. .254
		if _, err := a.allocate(cidr, types.UID(fmt.Sprint(i))); err != nil {
			t.Fatalf("allocation %d: %v", i, err)
		}
	}
	if ip, err := a.allocate(cidr, "one-too-many"); err == nil {
		t.Errorf("want exhaustion error, got %s", ip)
	}
}
