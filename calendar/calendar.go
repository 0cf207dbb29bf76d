// Package calendar counts legal deadlines by the real calendar (DESIGN.md §8): working days in the
// operator's time zone, with public holidays and make-up working days (调休) read from data, so that
// an operator updates next year's schedule with a file instead of a release. The mainland China
// schedule for the years the State Council has published ships embedded (cn.toml).
package calendar

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed cn.toml
var chinaTOML []byte

// Calendar says which local dates are working days in one time zone.
type Calendar struct {
	loc   *time.Location
	off   map[string]bool // "2006-01-02" → a public holiday
	work  map[string]bool // "2006-01-02" → a make-up working day (a Saturday or Sunday worked)
	years map[int]string  // year → where its schedule comes from
}

// file is the data format (see cn.toml and docs/deadlines.md).
type file struct {
	Year []struct {
		Year   int      `toml:"year"`
		Source string   `toml:"source"`
		Off    []string `toml:"off"`
		Work   []string `toml:"work"`
	} `toml:"year"`
}

// China is the embedded mainland China schedule in loc (nil: Asia/Shanghai's rules do not matter
// here, the dates are local dates in whatever zone the operator runs).
func China(loc *time.Location) *Calendar {
	c, err := Parse(chinaTOML, loc)
	if err != nil {
		panic("calendar: embedded cn.toml: " + err.Error()) // a test loads it on every build
	}
	return c
}

// Load reads a calendar file in the cn.toml format; "" gives the embedded China schedule.
func Load(path string, loc *time.Location) (*Calendar, error) {
	if path == "" {
		return China(loc), nil
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("holiday calendar: %w", err)
	}
	c, err := Parse(raw, loc)
	if err != nil {
		return nil, fmt.Errorf("holiday calendar %s: %w", path, err)
	}
	return c, nil
}

// Parse reads the TOML data. Every date must be a real date of the [[year]] it is listed under;
// a make-up working day must be a Saturday or a Sunday and a day off must not also be worked.
func Parse(raw []byte, loc *time.Location) (*Calendar, error) {
	if loc == nil {
		loc = time.UTC
	}
	var f file
	md, err := toml.Decode(string(raw), &f)
	if err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		return nil, fmt.Errorf("unknown key %q", und[0].String())
	}
	c := &Calendar{loc: loc, off: map[string]bool{}, work: map[string]bool{}, years: map[int]string{}}
	for _, y := range f.Year {
		if y.Year < 2000 || y.Year > 2200 {
			return nil, fmt.Errorf("year %d: out of range", y.Year)
		}
		if _, dup := c.years[y.Year]; dup {
			return nil, fmt.Errorf("year %d listed twice", y.Year)
		}
		c.years[y.Year] = y.Source
		for _, s := range y.Off {
			from, to, err := dateRange(s, y.Year)
			if err != nil {
				return nil, err
			}
			for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
				c.off[d.Format(time.DateOnly)] = true
			}
		}
		for _, s := range y.Work {
			d, err := date(s, y.Year)
			if err != nil {
				return nil, err
			}
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				return nil, fmt.Errorf("make-up working day %s is a %s, not a weekend day", s, wd)
			}
			c.work[d.Format(time.DateOnly)] = true
		}
	}
	for d := range c.work {
		if c.off[d] {
			return nil, fmt.Errorf("%s is both a day off and a make-up working day", d)
		}
	}
	return c, nil
}

func date(s string, year int) (time.Time, error) {
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return d, fmt.Errorf("date %q: want YYYY-MM-DD", s)
	}
	if d.Year() != year {
		return d, fmt.Errorf("date %s is listed under year %d", s, year)
	}
	return d, nil
}

func dateRange(s string, year int) (time.Time, time.Time, error) {
	a, b, isRange := strings.Cut(s, "..")
	from, err := date(a, year)
	if err != nil || !isRange {
		return from, from, err
	}
	to, err := date(b, year)
	if err == nil && to.Before(from) {
		err = fmt.Errorf("range %q ends before it starts", s)
	}
	return from, to, err
}

// Location is the zone whose local dates the calendar counts.
func (c *Calendar) Location() *time.Location { return c.loc }

// Years lists the years whose schedule the calendar holds.
func (c *Calendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// Covers reports whether the year's schedule is known. For a year it does not cover, the
// calendar counts Monday to Friday, which misses that year's holidays: serve warns about it.
func (c *Calendar) Covers(year int) bool { _, ok := c.years[year]; return ok }

// Working reports whether the local date of t is a working day: a make-up working day, or a
// Monday to Friday that is not a public holiday.
func (c *Calendar) Working(t time.Time) bool {
	key := t.In(c.loc).Format(time.DateOnly)
	if c.work[key] {
		return true
	}
	if c.off[key] {
		return false
	}
	wd := t.In(c.loc).Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday reports whether the local date of t is a public holiday (not merely a weekend).
func (c *Calendar) Holiday(t time.Time) bool { return c.off[t.In(c.loc).Format(time.DateOnly)] }

// day is the local midnight starting t's local date. Dates step with AddDate on local midnights,
// so a DST change moves no day.
func (c *Calendar) day(t time.Time) time.Time {
	t = t.In(c.loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, c.loc)
}

// endOf is the last second of d's local date: a deadline is met by anything done that day.
func (c *Calendar) endOf(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 23, 59, 59, 0, c.loc)
}

// AddWorkingDays returns the end of the n-th working day after the local date of t. The day a
// request arrives does not count, whatever it is; a request on a Saturday or a holiday therefore
// counts from the next working day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := c.day(t)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if c.Working(d) {
			n--
		}
	}
	return c.endOf(d)
}

// NextWorking returns the local date of t if it is a working day, else the next working day.
func (c *Calendar) NextWorking(t time.Time) time.Time {
	d := c.day(t)
	for !c.Working(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

// DaysLeft is the number of calendar days from now's local date to the deadline's: 0 when it is
// due today, negative once past. API, console and metrics all show this number.
func (c *Calendar) DaysLeft(deadline, now time.Time) int {
	a, b := c.day(now), c.day(deadline)
	da := time.Date(a.Year(), a.Month(), a.Day(), 0, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 0, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

// WorkingDaysLeft counts the working days after now's local date up to the deadline's: on the
// day of receipt it is the rule's n, on the day it is due 0. It is 0 once the deadline passed.
func (c *Calendar) WorkingDaysLeft(deadline, now time.Time) int {
	if now.After(deadline) {
		return 0
	}
	n := 0
	for d, end := c.day(now).AddDate(0, 0, 1), c.day(deadline); !d.After(end); d = d.AddDate(0, 0, 1) {
		if c.Working(d) {
			n++
		}
	}
	return n
}
