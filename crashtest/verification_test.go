package crashtest

import (
	"fmt"
	"time"

	"github.com/purse-wallet/purse/verify"
)

// verify takes the verification step of closure id: the payment password with the newest SMS
// code. Without a code, or when the newest one was refused (it expired while the user was away,
// was superseded, or ran out of tries: GE-1, offer to resend), it asks for a fresh code first.
//
// Every verification and every ask goes under a key of its own (the code, the ask's number): a
// key sent again is answered as it first was, so a refused verification retried under its old key
// would be refused for ever, and so would a refused ask. The replays still check that each key
// answers as it first did.
func (m *mix) verify(base string, c *closer, id string, since time.Time) bool {
	step := "/api/v1/closures/" + id + "/"
	code := m.newestMessage(c.phone, "closure_otp", "Code", since)
	if code != "" && !m.refused(id+"-verify-"+code) {
		return m.postOK(base, c.token, id+"-verify-"+code, step+"verification",
			map[string]string{"payment_password": "135790", "sms_code": code})
	}
	m.mu.Lock()
	key := fmt.Sprintf("%s-code-%d", id, c.asks[id])
	last := m.byKey[key]
	m.mu.Unlock()
	if last != nil && last.acked {
		// The current ask was answered: its code was refused since, or the ask itself was.
		if last.status == 429 {
			var p struct {
				Code       string `json:"code"`
				RetryAfter int    `json:"retry_after"`
			}
			_ = jsonUnmarshal(last.answer, &p)
			wait := time.Duration(p.RetryAfter) * time.Second
			if p.Code != "OTP_RATE_LIMITED" || wait > verify.ResendAfter {
				// The daily cap: no code until tomorrow, so the user gives up, and starts no
				// other closure today.
				m.mu.Lock()
				c.retired = true
				m.mu.Unlock()
				return m.postOK(base, c.token, id+"-no-code", step+"cancel", nil)
			}
			// The resend cool-down: ask again, under the next key, once it is over.
			if until := last.at.Add(wait); time.Now().Before(until) {
				m.mu.Lock()
				c.waitUntil = until
				m.mu.Unlock()
				return true
			}
		}
		m.mu.Lock()
		c.asks[id]++
		key = fmt.Sprintf("%s-code-%d", id, c.asks[id])
		if code != "" && last.status < 300 {
			m.stats.refusedCodes++ // the code this ask brought was refused
		}
		m.mu.Unlock()
	}
	return m.postOK(base, c.token, key, step+"codes", map[string]string{"channel": "sms"})
}

// refused reports whether the request sent under key was answered with a refusal (4xx).
func (m *mix) refused(key string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	r := m.byKey[key]
	return r != nil && r.acked && r.status >= 400 && r.status < 500
}

// expireCodes runs while every process is down. It ends the five minutes of the SMS codes of
// about half the closures waiting in verification (each closure once), as if their users had
// stepped away: the next verification with such a code is refused (OTP_EXPIRED), and the closer
// must ask for a fresh one. The codes are moved back a whole life, so the resend cool-down is
// over too, as it would be.
func (m *mix) expireCodes() {
	rows, err := m.store.SQL().Query(`SELECT id FROM closures WHERE state = 'verification'`)
	if err != nil {
		m.t.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			m.t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	now := time.Now()
	issued, expired := now.Add(-verify.CodeTTL-verify.ResendAfter).UnixMicro(), now.Add(-verify.ResendAfter).UnixMicro()
	for _, id := range ids {
		m.mu.Lock()
		pick := !m.aged[id] && m.rng.IntN(2) == 0
		if pick {
			m.aged[id] = true
		}
		m.mu.Unlock()
		if !pick {
			continue
		}
		res, err := m.store.SQL().Exec(rebind(m.store, `UPDATE otp_codes SET created_at = ?, expires_at = ? WHERE purpose = ? AND used_at = 0`),
			issued, expired, "closure:"+id)
		if err != nil {
			m.t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			m.stats.expiredCodes++
		}
	}
}

// resendWait is how long the closers still have to wait out a resend cool-down before their next
// ask (0 when none waits).
func (m *mix) resendWait() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	var wait time.Duration
	for _, c := range m.closers {
		if d := time.Until(c.waitUntil); d > wait {
			wait = d
		}
	}
	return wait
}
