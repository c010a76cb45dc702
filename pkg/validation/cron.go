package validation

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// cronField describes one field of a standard cron schedule.
type cronField struct {
	name     string
	min, max int
	names    map[string]int
}

var cronFields = []cronField{
	{name: "minute", min: 0, max: 59},
	{name: "hour", min: 0, max: 23},
	{name: "day of month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: map[string]int{
		"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
		"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}},
	{name: "day of week", min: 0, max: 6, names: map[string]int{
		"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}},
}

var cronDescriptors = []string{"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}

// ValidCronSchedule returns nil when schedule is a standard cron schedule,
// as CronJobs accept: five fields (minute, hour, day of month, month, day of
// week) made of lists of values, ranges and steps ("*/15", "1-5", "MON,WED"),
// or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly
// and @every <duration>. The error says what is wrong.
func ValidCronSchedule(schedule string) error {
	schedule = strings.TrimSpace(schedule)
	if strings.HasPrefix(schedule, "@") {
		return validDescriptor(schedule)
	}
	fields := strings.Fields(schedule)
	if len(fields) != len(cronFields) {
		return fmt.Errorf("expected exactly %d fields, found %d: %v", len(cronFields), len(fields), fields)
	}
	for i, f := range fields {
		if err := cronFields[i].valid(f); err != nil {
			return err
		}
	}
	return nil
}

func validDescriptor(d string) error {
	for _, known := range cronDescriptors {
		if d == known {
			return nil
		}
	}
	if rest, ok := strings.CutPrefix(d, "@every "); ok {
		dur, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil {
			return fmt.Errorf("failed to parse duration %s: %v", d, err)
		}
		if dur <= 0 {
			return fmt.Errorf("duration of %s must be positive", d)
		}
		return nil
	}
	return fmt.Errorf("unrecognized descriptor: %s", d)
}

func (f cronField) valid(expr string) error {
	for _, part := range strings.Split(expr, ",") {
		if err := f.validRange(part); err != nil {
			return fmt.Errorf("%s field %q: %w", f.name, expr, err)
		}
	}
	return nil
}

// validRange checks one "*", "?", "N", "N-M" optionally followed by "/step".
func (f cronField) validRange(expr string) error {
	rng, step, hasStep := strings.Cut(expr, "/")
	if hasStep {
		n, err := strconv.Atoi(step)
		if err != nil || n <= 0 {
			return fmt.Errorf("step of range should be a positive number: %s", expr)
		}
	}
	if rng == "*" || rng == "?" {
		return nil
	}
	lo, hi, isRange := strings.Cut(rng, "-")
	start, err := f.value(lo)
	if err != nil {
		return err
	}
	if !isRange {
		return nil
	}
	end, err := f.value(hi)
	if err != nil {
		return err
	}
	if start > end {
		return fmt.Errorf("beginning of range (%d) beyond end of range (%d): %s", start, end, expr)
	}
	return nil
}

func (f cronField) value(s string) (int, error) {
	if n, ok := f.names[strings.ToLower(s)]; ok {
		return n, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("failed to parse int from %s", s)
	}
	if n < f.min || n > f.max {
		return 0, fmt.Errorf("value (%d) out of range [%d, %d]", n, f.min, f.max)
	}
	return n, nil
}
