package closure

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/calendar"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/notify"
)

// NearWorkingDays: a request is near its legal deadline when it is due within this many working
// days; support is warned then, and again once the deadline has passed.
const NearWorkingDays = 3

// DeadlineRule is the policy's legal deadline: its deadline rule ("15wd", "1mo"), else
// deadline_days working days.
func (p *Policy) DeadlineRule() calendar.Rule {
	if p.Deadline != "" {
		if r, err := calendar.ParseRule(p.Deadline); err == nil {
			return r
		}
	}
	return calendar.Rule{N: p.DeadlineDays, Unit: calendar.WorkingDays}
}

// calendarOf is the calendar deadlines are counted by; without one, the embedded China schedule
// in UTC.
func calendarOf(c *calendar.Calendar) *calendar.Calendar {
	if c == nil {
		return calendar.China(time.UTC)
	}
	return c
}

// Urgency is how close a request is to its legal deadline. API, console and metrics all take it
// from Urgent, so they show the same days.
type Urgency struct {
	DaysLeft        int    `json:"days_left"`         // calendar days from today to the deadline's date, negative when past
	WorkingDaysLeft int    `json:"working_days_left"` // working days after today up to the deadline
	Status          string `json:"status"`            // "ok", "near" or "past"
}

// Urgent tells how close deadline is at now by the calendar.
func Urgent(cal *calendar.Calendar, deadline, now time.Time) Urgency {
	cal = calendarOf(cal)
	u := Urgency{DaysLeft: cal.DaysLeft(deadline, now), WorkingDaysLeft: cal.WorkingDaysLeft(deadline, now), Status: "ok"}
	switch {
	case now.After(deadline):
		u.Status = "past"
	case u.WorkingDaysLeft <= NearWorkingDays:
		u.Status = "near"
	}
	return u
}

// Urgency is Urgent by the service's calendar.
func (s *Service) Urgency(c *purse.ClosureRequest, now time.Time) Urgency {
	return Urgent(s.Calendar, c.Deadline, now)
}

// deadlineOf is when a request received at now is due under p.
func (s *Service) deadlineOf(p *Policy, now time.Time) time.Time {
	return calendarOf(s.Calendar).Deadline(p.DeadlineRule(), now)
}

// Deadlines warns support about requests near or past their legal deadline and counts them for
// /metrics.
type Deadlines struct {
	Store    purse.Store
	Calendar *calendar.Calendar
	Catalog  *i18n.Catalog
	// Support is the address the warnings go to ("" sends none: the queue and the gauge still show
	// them); Language is theirs.
	Support  string
	Language string
	Log      *slog.Logger
}

// Warn sends each request's warnings once: "past" for a request whose deadline passed, "near" for
// one due within NearWorkingDays. Each is audited and recorded on the request in the transaction
// that sends it.
func (d *Deadlines) Warn(ctx context.Context) (int, error) {
	n := 0
	err := d.Store.Tx(ctx, func(tx purse.Tx) error {
		n = 0
		now, cal := tx.Now(), calendarOf(d.Calendar)
		for _, stage := range []struct {
			level    int
			until    time.Time
			template string
		}{{2, now, "closure_deadline_past"}, {1, cal.AddWorkingDays(now, NearWorkingDays), "closure_deadline_near"}} {
			due, err := tx.DueDeadlineWarnings(ctx, purse.DueDeadlineWarningsParams{
				Open: Open(), Until: stage.until, Stage: stage.level, Limit: CloseBatch})
			if err != nil {
				return err
			}
			for _, c := range due {
				if err := d.warn(ctx, tx, c, stage.level, stage.template, now); err != nil {
					return err
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

func (d *Deadlines) warn(ctx context.Context, tx purse.Tx, c *purse.ClosureRequest, level int, template string, now time.Time) error {
	u := Urgent(d.Calendar, c.Deadline, now)
	if d.Support != "" {
		if _, err := notify.Enqueue(ctx, tx, d.Catalog, notify.Notice{Channel: purse.ChannelEmail, To: d.Support,
			Template: template, Language: d.Language, Data: map[string]string{"Closure": c.ID, "Policy": c.Policy,
				"State": string(c.State), "Deadline": d.Catalog.FormatTime(d.Language, c.Deadline),
				"DaysLeft": strconv.Itoa(u.DaysLeft), "WorkingDaysLeft": strconv.Itoa(u.WorkingDaysLeft)}}); err != nil {
			return err
		}
	}
	if err := audit.Record(ctx, tx, "system", "closure.deadline_"+u.Status, c.AccountID, map[string]string{
		"closure": c.ID, "deadline": c.Deadline.UTC().Format(time.RFC3339), "days_left": strconv.Itoa(u.DaysLeft)}); err != nil {
		return err
	}
	if d.Log != nil {
		d.Log.WarnContext(ctx, "closure request near its legal deadline", "closure_id", c.ID, "status", u.Status,
			"deadline", c.Deadline, "days_left", u.DaysLeft)
	}
	return tx.MarkDeadlineWarned(ctx, c.ID, level)
}

// Task is the warning job for the runner.
func (d *Deadlines) Task() jobs.Task {
	return jobs.Task{Name: "closure.deadlines", Every: 10 * time.Minute, Batch: CloseBatch, Run: d.Warn}
}

// countLimit bounds the requests Counts reads per scrape; the queue is sorted by deadline, so
// the near and past ones come first.
const countLimit = 10000

// Counts returns how many open requests are near and past their deadline now, for the gauge.
func (d *Deadlines) Counts(ctx context.Context) (near, past int, err error) {
	err = d.Store.Read(ctx, func(tx purse.Tx) error {
		cs, err := tx.OpenClosures(ctx, Open(), countLimit)
		if err != nil {
			return err
		}
		now := tx.Now()
		for _, c := range cs {
			switch Urgent(d.Calendar, c.Deadline, now).Status {
			case "past":
				past++
			case "near":
				near++
			default:
				return nil // sorted by deadline: the rest are further off
			}
		}
		return nil
	})
	return near, past, err
}
