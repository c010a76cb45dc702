package cronjob

import (
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestNext(t *testing.T) {
	base := time.Date(2025, 1, 31, 10, 7, 30, 0, time.UTC) // a Friday
	for _, tc := range []struct {
		sched string
		from  time.Time
		want  time.Time
	}{
		{"* * * * *", base, time.Date(2025, 1, 31, 10, 8, 0, 0, time.UTC)},
		{"*/5 * * * *", base, time.Date(2025, 1, 31, 10, 10, 0, 0, time.UTC)},
		{"0 * * * *", base, time.Date(2025, 1, 31, 11, 0, 0, 0, time.UTC)},
		{"@hourly", base, time.Date(2025, 1, 31, 11, 0, 0, 0, time.UTC)},
		{"@daily", base, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"@weekly", base, time.Date(2025, 2, 2, 0, 0, 0, 0, time.UTC)},
		{"@monthly", base, time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{"@yearly", base, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)},
		{"30 9 * * mon-fri", base, time.Date(2025, 2, 3, 9, 30, 0, 0, time.UTC)},
		{"0 0 31 * *", base, time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)},
		{"0 0 29 feb *", base, time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC)},
		{"0 12 1 * 1", base, time.Date(2025, 2, 1, 12, 0, 0, 0, time.UTC)},     // dom OR dow
		{"0 12 */10 * 1", base, time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)}, // star step: dom AND dow
		{"15,45 8-10/2 * * *", base, time.Date(2025, 1, 31, 10, 15, 0, 0, time.UTC)},
		{"0 0 * * 7", base, time.Date(2025, 2, 2, 0, 0, 0, 0, time.UTC)},
		{"@every 90s", base, base.Add(90 * time.Second)},
	} {
		t.Run(tc.sched, func(t *testing.T) {
			s, err := parseSchedule(tc.sched)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.next(tc.from); !got.Equal(tc.want) {
				t.Errorf("next = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNextInTimeZone(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	s, _ := parseSchedule("0 9 * * *")
	got := s.next(time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC).In(ny))
	if want := time.Date(2025, 6, 1, 13, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("next = %v, want %v", got.UTC(), want)
	}
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{"", "* * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * * 13 *", "*/0 * * * *", "5-1 * * * *", "@every -1s", "@fortnightly"} {
		t.Run(s, func(t *testing.T) {
			if _, err := parseSchedule(s); err == nil {
				t.Errorf("parseSchedule(%q) succeeded", s)
			}
		})
	}
}

func TestMostRecent(t *testing.T) {
	created := time.Date(2025, 1, 1, 0, 0, 30, 0, time.UTC)
	every := func(sched string, sds *int64, now time.Time) (time.Time, int) {
		s, _ := parseSchedule(sched)
		cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: metav1.Time{Time: created}},
			Spec: batchv1.CronJobSpec{StartingDeadlineSeconds: sds}}
		return mostRecent(input{cj: cj, sched: s, loc: time.UTC}, now)
	}
	for _, tc := range []struct {
		name  string
		sched string
		sds   *int64
		now   time.Time
		want  time.Time
		count int
	}{
		{"before first", "*/5 * * * *", nil, created.Add(time.Minute), time.Time{}, 0},
		{"one due", "*/5 * * * *", nil, created.Add(5 * time.Minute), time.Date(2025, 1, 1, 0, 5, 0, 0, time.UTC), 1},
		{"many missed", "* * * * *", nil, created.Add(200 * time.Minute), time.Date(2025, 1, 1, 3, 20, 0, 0, time.UTC), 200},
		{"deadline bounds", "* * * * *", ptr.To[int64](120), created.Add(200 * time.Minute), time.Date(2025, 1, 1, 3, 20, 0, 0, time.UTC), 2},
		{"deadline passed", "0 * * * *", ptr.To[int64](60), created.Add(90 * time.Minute), time.Time{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, n := every(tc.sched, tc.sds, tc.now)
			if !got.Equal(tc.want) || n != tc.count {
				t.Errorf("mostRecent = %v, %d; want %v, %d", got, n, tc.want, tc.count)
			}
		})
	}
}
