package cronjob

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// schedule is a parsed cron schedule: either five field sets or a fixed interval (@every).
type schedule struct {
	minute, hour, dom, month, dow uint64 // bit i set: value i allowed
	domStar, dowStar              bool   // field was * or ? (unrestricted)
	every                         time.Duration
}

// descriptors maps the @-shorthands to their five-field form.
var descriptors = map[string]string{
	"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
	"@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}

type fieldSpec struct {
	min, max int
	names    []string // names[i] is value min+i
}

var (
	minuteField = fieldSpec{0, 59, nil}
	hourField   = fieldSpec{0, 23, nil}
	domField    = fieldSpec{1, 31, nil}
	monthField  = fieldSpec{1, 12, []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}}
	dowField    = fieldSpec{0, 6, []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}}
)

// parseSchedule parses a standard five-field cron expression or an @-descriptor.
func parseSchedule(s string) (*schedule, error) {
	s = strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(s, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("invalid @every duration %q", rest)
		}
		return &schedule{every: d}, nil
	}
	if d, ok := descriptors[strings.ToLower(s)]; ok {
		s = d
	}
	f := strings.Fields(s)
	if len(f) != 5 {
		return nil, fmt.Errorf("expected 5 fields, found %d: %q", len(f), s)
	}
	sc := &schedule{domStar: isStar(f[2]), dowStar: isStar(f[4])}
	var err error
	for i, spec := range []fieldSpec{minuteField, hourField, domField, monthField, dowField} {
		dst := []*uint64{&sc.minute, &sc.hour, &sc.dom, &sc.month, &sc.dow}[i]
		if *dst, err = parseField(f[i], spec); err != nil {
			return nil, err
		}
	}
	if sc.dow&(1<<7) != 0 { // 7 is Sunday too
		sc.dow |= 1
	}
	return sc, nil
}

// isStar reports whether a day field is unrestricted ("*", "?", or "*/n" as in robfig/cron).
func isStar(f string) bool { return strings.HasPrefix(f, "*") || strings.HasPrefix(f, "?") }

// parseField parses a comma list of "*", "a", "a-b", each optionally "/step".
func parseField(f string, spec fieldSpec) (uint64, error) {
	var bits uint64
	for part := range strings.SplitSeq(f, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			var err error
			if step, err = strconv.Atoi(stepStr); err != nil || step <= 0 {
				return 0, fmt.Errorf("invalid step in %q", part)
			}
		}
		lo, hi, err := parseRange(rng, spec, hasStep)
		if err != nil {
			return 0, err
		}
		for v := lo; v <= hi; v += step {
			bits |= 1 << uint(v)
		}
	}
	return bits, nil
}

// parseRange parses "*", "?", "a" or "a-b"; a single value with a step runs to the maximum.
func parseRange(r string, spec fieldSpec, hasStep bool) (int, int, error) {
	if r == "*" || r == "?" {
		return spec.min, spec.max, nil
	}
	a, b, isRange := strings.Cut(r, "-")
	lo, err := parseValue(a, spec)
	if err != nil {
		return 0, 0, err
	}
	hi := lo
	switch {
	case isRange:
		if hi, err = parseValue(b, spec); err != nil {
			return 0, 0, err
		}
	case hasStep:
		hi = spec.max
	}
	maxV := spec.max
	if spec.names != nil && spec.max == 6 {
		maxV = 7
	}
	if lo < spec.min || hi > maxV || lo > hi {
		return 0, 0, fmt.Errorf("value out of range in %q", r)
	}
	return lo, hi, nil
}

func parseValue(v string, spec fieldSpec) (int, error) {
	for i, n := range spec.names {
		if strings.EqualFold(v, n) {
			return spec.min + i, nil
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q", v)
	}
	return n, nil
}

// next returns the first scheduled time strictly after t, in t's location; the zero time if
// none exists within five years.
func (s *schedule) next(t time.Time) time.Time {
	if s.every > 0 {
		return t.Add(s.every - time.Duration(t.Nanosecond())).Truncate(time.Second)
	}
	loc := t.Location()
	t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute()+1, 0, 0, loc)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case s.month&(1<<uint(t.Month())) == 0:
			t = time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, loc)
		case !s.dayMatches(t):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, loc)
		case s.hour&(1<<uint(t.Hour())) == 0:
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour()+1, 0, 0, 0, loc)
		case s.minute&(1<<uint(t.Minute())) == 0:
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{}
}

// dayMatches applies cron's day rule: when both day fields are restricted, either may match.
func (s *schedule) dayMatches(t time.Time) bool {
	dom := s.dom&(1<<uint(t.Day())) != 0
	dow := s.dow&(1<<uint(t.Weekday())) != 0
	if s.domStar || s.dowStar {
		return dom && dow
	}
	return dom || dow
}
