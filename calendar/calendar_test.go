package calendar

import (
	"strings"
	"testing"
	"time"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

// TestWorkingDaysOverRealHolidays counts 15 working days across the State Council's published
// schedules (issue 16: a December request was due on New Year's Day; Spring Festival and National
// Day counted as working days).
func TestWorkingDaysOverRealHolidays(t *testing.T) {
	t.Parallel()
	c := China(shanghai)
	for _, tc := range []struct{ name, received, due string }{
		// 2024-12-31 is day 14; 1 January 2025 is a holiday, so day 15 is 2 January.
		{"december 2024 not due on new year's day", "2024-12-11 10:00", "2025-01-02"},
		// 2026: 1-3 January off, Sunday 4 January a make-up working day.
		{"december 2025 due on the make-up sunday", "2025-12-11 10:00", "2026-01-04"},
		// Spring Festival 2026: 15-23 February off; Saturdays 14 and 28 February worked.
		{"spring festival 2026", "2026-02-13 16:00", "2026-03-12"},
		// Spring Festival 2025: 28 January to 4 February off; 26 January and 8 February worked.
		{"spring festival 2025", "2025-01-24 09:00", "2025-02-20"},
		// National Day 2025: 1-8 October off, Saturday 11 October worked.
		{"national day 2025", "2025-09-30 11:00", "2025-10-28"},
		// National Day 2024: 1-7 October off, 29 September and 12 October worked.
		{"national day 2024", "2024-09-27 11:00", "2024-10-23"},
		// A Saturday request (01:30 Shanghai is still Friday in UTC) counts from Monday.
		{"saturday request in shanghai", "2026-03-07 01:30", "2026-03-27"},
	} {
		got := c.AddWorkingDays(at(tc.received), 15)
		if d := got.In(shanghai).Format(time.DateOnly); d != tc.due {
			t.Errorf("%s: received %s, due %s, want %s", tc.name, tc.received, d, tc.due)
		}
		if got.In(shanghai).Format("15:04:05") != "23:59:59" {
			t.Errorf("%s: due at %s, want the end of the local day", tc.name, got.In(shanghai))
		}
	}
}

func TestWorkingDay(t *testing.T) {
	t.Parallel()
	c := China(shanghai)
	for d, want := range map[string]bool{
		"2025-01-01": false, "2026-01-01": false, "2026-01-02": false, // New Year
		"2026-02-16": false, "2026-02-23": false, "2025-01-29": false, "2024-02-12": false, // Spring Festival (Mondays and weekdays)
		"2025-10-06": false, "2025-10-08": false, "2024-10-04": false, "2026-10-07": false, // National Day
		"2026-02-14": true, "2026-02-28": true, "2025-10-11": true, "2024-02-04": true, "2026-01-04": true, // make-up days
		"2026-03-07": false, "2026-03-09": true, // an ordinary Saturday and Monday
	} {
		if got := c.Working(at(d + " 12:00")); got != want {
			t.Errorf("%s working = %v, want %v", d, got, want)
		}
	}
	for _, y := range []int{2024, 2025, 2026} {
		if !c.Covers(y) {
			t.Errorf("the embedded calendar misses %d", y)
		}
	}
}

// TestMonthRule is GDPR's "one month of receipt" (Art. 12(3)), counted as Regulation 1182/71 does.
func TestMonthRule(t *testing.T) {
	t.Parallel()
	berlin := mustZone("Europe/Berlin")
	eu, err := Parse(nil, berlin) // no holiday data: weekends only
	if err != nil {
		t.Fatal(err)
	}
	r, err := ParseRule("1mo")
	if err != nil {
		t.Fatal(err)
	}
	for received, due := range map[string]string{
		"2026-03-03": "2026-04-03", // same date next month
		"2026-01-31": "2026-03-02", // no 31 February: 28 February, a Saturday, so Monday
		"2024-01-31": "2024-02-29", // leap year
		"2026-12-15": "2027-01-15",
	} {
		rt, _ := time.ParseInLocation(time.DateOnly, received, berlin)
		if got := eu.Deadline(r, rt.Add(15*time.Hour)).Format(time.DateOnly); got != due {
			t.Errorf("1mo from %s: %s, want %s", received, got, due)
		}
	}
	// Under the China calendar the month ends on a working day: 15 February 2026 is Spring Festival.
	if got := China(shanghai).Deadline(r, at("2026-01-15 10:00")).Format(time.DateOnly); got != "2026-02-24" {
		t.Errorf("1mo from 2026-01-15 in China: %s, want 2026-02-24", got)
	}
}

// TestDaysLeft counts local dates, so API and console agree whatever the hour.
func TestDaysLeft(t *testing.T) {
	t.Parallel()
	c := China(shanghai)
	due := c.AddWorkingDays(at("2026-03-07 01:30"), 15) // 27 March
	for now, want := range map[string]int{"2026-03-20 23:00": 7, "2026-03-27 00:10": 0, "2026-03-27 23:00": 0, "2026-03-28 00:30": -1} {
		if got := c.DaysLeft(due, at(now)); got != want {
			t.Errorf("days left at %s: %d, want %d", now, got, want)
		}
	}
	if got := c.WorkingDaysLeft(due, at("2026-03-21 10:00")); got != 5 {
		t.Errorf("working days left from Saturday 21 March: %d, want 5", got)
	}
	if got := c.WorkingDaysLeft(due, at("2026-03-07 01:30")); got != 15 {
		t.Errorf("working days left on the day of receipt: %d, want 15", got)
	}
	if got := c.WorkingDaysLeft(due, at("2026-03-27 12:00")); got != 0 {
		t.Errorf("working days left on the day it is due: %d, want 0", got)
	}
}

func TestParseRejects(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"[[year]]\nyear = 2026\nwork = [\"2026-03-09\"]",            // a Monday as make-up day
		"[[year]]\nyear = 2026\noff = [\"2025-01-01\"]",             // wrong year
		"[[year]]\nyear = 2026\noff = [\"2026-01-05..2026-01-01\"]", // backwards range
		"[[year]]\nyear = 2026\nholidays = []",                      // unknown key
		"[[year]]\nyear = 2026\n[[year]]\nyear = 2026",              // twice
	} {
		if _, err := Parse([]byte(bad), shanghai); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
	for _, bad := range []string{"", "15", "0wd", "4mo", "wd", "1y"} {
		if _, err := ParseRule(bad); err == nil || !strings.Contains(err.Error(), "deadline") {
			t.Errorf("rule %q accepted", bad)
		}
	}
}
