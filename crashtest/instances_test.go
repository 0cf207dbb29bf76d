package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/business"
	purshttp "github.com/purse-wallet/purse/http"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/storetest"
	"github.com/purse-wallet/purse/verify"
)

// TestTwoInstancesOnePostgres runs two real purse processes on one PostgreSQL schema (DESIGN.md
// §6) and drives both at once. What must hold whichever instance is asked: an idempotent retry on
// the other instance replays the first answer and no registration happens twice; the daily code
// caps per account, per phone and per client address count once across both; the resend cool-down
// started on one holds on the other; the daily cap of closure codes counts the codes sent by
// either; five wrong passwords spread over both lock sign-in on both;
// and a live switch set once reaches the other instance within its cache time.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("instances test: builds and runs real processes")
	}
	db := storetest.PostgresURL(t)
	a := newServer(t, db, masterKey)
	a.start() // migrates first, alone
	b := newServer(t, db, masterKey)
	b.start()
	both := []*server{a, b}
	// The outbox is sealed (issue 15): the test reads it with the servers' master key.
	store := sealedStore(t, db)

	phones := phoneSeq{store: store}
	// The three loads run at once, each through both instances; the switches come after, alone,
	// since maintenance would refuse the others.
	t.Run("load", func(t *testing.T) {
		t.Run("idempotent registrations", func(t *testing.T) {
			t.Parallel()
			twoInstanceRegistrations(t, both, store, &phones)
		})
		t.Run("code caps", func(t *testing.T) {
			t.Parallel()
			twoInstanceCodeCaps(t, both, store, &phones)
		})
		t.Run("sign-in lock", func(t *testing.T) {
			t.Parallel()
			twoInstanceSignInLock(t, both, &phones)
		})

	})
	// No registration happened twice, whichever instance or retry carried it.
	if got := accounts(t, store); got != phones.registered {
		t.Fatalf("%d accounts stored for %d distinct registrations", got, phones.registered)
	}
	t.Logf("%d accounts for %d distinct registrations", phones.registered, phones.registered)
	// One account's closures follow each other, so this needs no concurrent load to show that
	// both instances count into one cap.
	t.Run("closure code cap", func(t *testing.T) { twoInstanceClosureCodeCap(t, both, &phones) })
	t.Run("live switches", func(t *testing.T) { twoInstanceSwitches(t, both, store) })
}

// phoneSeq hands out fresh mainland numbers and counts the accounts registered with them.
type phoneSeq struct {
	store      purse.Store          // where register reads the registration codes
	sms        *notifytest.Receiver // the SMS provider, where delivered codes are read; nil for none
	mu         sync.Mutex
	n          int
	registered int
}

func (p *phoneSeq) count() {
	p.mu.Lock()
	p.registered++
	p.mu.Unlock()
}

func (p *phoneSeq) next() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.n++
	return fmt.Sprintf("136%08d", p.n)
}

const password = "two instances password"

// register creates an account with a fresh phone through srv and signs it in.
func (p *phoneSeq) register(t *testing.T, srv *server) (phone, token string) {
	t.Helper()
	phone = p.next()
	// Patient, as the sign-in below: three subtests register at once on two instances, and the
	// argon2id hasher answers 503 with Retry-After to a hash that waited 2 s for a slot (issue 17),
	// before anything is written. A client that follows the contract comes back; this one did not,
	// and failed the sign-in lock test on a busy CI machine.
	res := patient(t, srv.url(), "POST", "/api/v1/accounts", map[string]string{"phone": phone, "password": password, "payment_password": "135790",
		"code": registrationCode(t, srv.url(), p.store, p.sms, phone)})
	if res.status != 201 {
		t.Fatalf("register %s: %d %s", phone, res.status, res.body)
	}
	p.count()
	res = patient(t, srv.url(), "POST", "/api/v1/sessions", map[string]string{"login": phone, "password": password})
	if res.status != 201 {
		t.Fatalf("sign in %s: %d %s", phone, res.status, res.body)
	}
	var s struct {
		Token string `json:"token"`
	}
	decode(t, res, &s)
	return phone, s.Token
}

func twoInstanceRegistrations(t *testing.T, both []*server, store purse.Store, phones *phoneSeq) {
	const n = 24
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			phone := phones.next()
			first, other := both[i%2], both[(i+1)%2]
			body := map[string]string{"phone": phone, "password": password, "payment_password": "135790",
				"code": registrationCode(t, first.url(), store, nil, phone)}
			key := "two-" + phone
			var one, two answer
			if i%3 == 0 {
				// The same key on both instances at the same moment.
				var inner sync.WaitGroup
				inner.Add(2)
				go func() {
					defer inner.Done()
					one = register(t, first.url(), body, key)
				}()
				go func() {
					defer inner.Done()
					two = register(t, other.url(), body, key)
				}()
				inner.Wait()
			} else {
				one = register(t, first.url(), body, key)
				two = register(t, other.url(), body, key)
				if two.header.Get("Idempotent-Replayed") != "true" {
					t.Errorf("%s: the retry on the other instance was not a replay: %d %s", key, two.status, two.body)
				}
			}
			phones.count()
			if one.status != 201 || two.status != one.status || !bytes.Equal(one.body, two.body) {
				t.Errorf("%s: answers differ across instances: %d %s / %d %s", key, one.status, one.body, two.status, two.body)
			}
			// Both instances sign the account in.
			for _, s := range both {
				if res := patient(t, s.url(), "POST", "/api/v1/sessions", map[string]string{"login": phone, "password": password}); res.status != 201 {
					t.Errorf("%s cannot sign in on %s: %d %s", phone, s.addr, res.status, res.body)
				}
			}
		}()
	}
	wg.Wait()
}

func twoInstanceCodeCaps(t *testing.T, both []*server, store purse.Store, phones *phoneSeq) {
	// Per account: more concurrent starts than the cap, spread over both instances.
	_, token := phones.register(t, both[0])
	auth := []string{"Authorization", "Bearer " + token}
	got := spread(t, both, business.DailySends+6, func(s *server, i int) answer {
		return call(t, s.url(), "POST", "/api/v1/business/phone-change", map[string]string{"new_phone": phones.next()}, auth...)
	})
	if got[201] != business.DailySends || got[429] != 6 {
		t.Errorf("per account: %v, want %d accepted and 6 refused", got, business.DailySends)
	}

	// Per phone: three accounts aim at one number through both instances.
	victim := phones.next()
	var tokens []string
	for i := 0; i < 3; i++ {
		_, tok := phones.register(t, both[i%2])
		tokens = append(tokens, tok)
	}
	got = spread(t, both, 18, func(s *server, i int) answer {
		return call(t, s.url(), "POST", "/api/v1/business/phone-change", map[string]string{"new_phone": victim},
			"Authorization", "Bearer "+tokens[i%3])
	})
	if got[201] != business.DailySendsPerPhone || got[429] != 18-business.DailySendsPerPhone {
		t.Errorf("per phone: %v, want %d accepted", got, business.DailySendsPerPhone)
	}
	if n := messagesTo(t, store, victim); n != business.DailySendsPerPhone {
		t.Errorf("%d codes reached the phone, cap %d", n, business.DailySendsPerPhone)
	}

	// Per client address: unknown logins, so that only the address's cap can refuse.
	got = spread(t, both, business.DailyRecoveriesPerIP+4, func(s *server, i int) answer {
		return call(t, s.url(), "POST", "/api/v1/business/password-recovery", map[string]string{"login": phones.next()})
	})
	if got[202] != business.DailyRecoveriesPerIP || got[429] != 4 {
		t.Errorf("per client address: %v, want %d accepted", got, business.DailyRecoveriesPerIP)
	}

	// The resend cool-down started on one instance holds on the other, for many accounts at once.
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, tok := phones.register(t, both[i%2])
			auth := []string{"Authorization", "Bearer " + tok}
			res := call(t, both[i%2].url(), "POST", "/api/v1/business/phone-change", map[string]string{"new_phone": phones.next()}, auth...)
			var f struct{ ID string }
			decode(t, res, &f)
			res = call(t, both[(i+1)%2].url(), "POST", "/api/v1/business/"+f.ID+"/code", nil, auth...)
			retry, _ := strconv.Atoi(res.header.Get("Retry-After"))
			if res.status != 429 || res.code() != "OTP_RATE_LIMITED" || retry < 1 || retry > int(business.ResendAfter/time.Second) {
				t.Errorf("resend on the other instance at once: %d %s (Retry-After %q)", res.status, res.body, res.header.Get("Retry-After"))
			}
		}()
	}
	wg.Wait()
}

func twoInstanceSignInLock(t *testing.T, both []*server, phones *phoneSeq) {
	// Sequential tries alternate instances: four failures, then the lock, on both.
	phone, _ := phones.register(t, both[0])
	wrong := map[string]string{"login": phone, "password": "not the password"}
	for i := 0; i < 4; i++ {
		if res := patient(t, both[i%2].url(), "POST", "/api/v1/sessions", wrong); res.code() != "LOGIN_FAILED" {
			t.Fatalf("try %d: %d %s", i+1, res.status, res.body)
		}
	}
	if res := patient(t, both[0].url(), "POST", "/api/v1/sessions", wrong); res.status != 423 || res.code() != "LOGIN_LOCKED" {
		t.Fatalf("fifth try: %d %s", res.status, res.body)
	}
	for _, s := range both {
		right := map[string]string{"login": phone, "password": password}
		if res := patient(t, s.url(), "POST", "/api/v1/sessions", right); res.status != 423 || res.code() != "LOGIN_LOCKED" {
			t.Errorf("right password on %s during the lock: %d %s", s.addr, res.status, res.body)
		}
	}

	// Concurrent tries on both instances: exactly four are judged, the rest meet the lock.
	phone, _ = phones.register(t, both[1])
	wrong = map[string]string{"login": phone, "password": "not the password"}
	got := spread(t, both, 12, func(s *server, i int) answer {
		return patient(t, s.url(), "POST", "/api/v1/sessions", wrong)
	})
	if got[401] != 4 || got[423] != 8 {
		t.Errorf("12 concurrent wrong passwords: %v, want 4 failures and 8 locked", got)
	}
}

func twoInstanceSwitches(t *testing.T, both []*server, store purse.Store) {
	ctx := context.Background()
	set := func(key, value string) {
		t.Helper()
		err := store.Tx(ctx, func(tx purse.Tx) error { return tx.SetSetting(ctx, key, value, tx.Now()) })
		if err != nil {
			t.Fatal(err)
		}
	}
	// A switch reaches both instances within their cache time (2 s) plus a margin for a loaded
	// machine; the test polls rather than sleeping a fixed time.
	await := func(what string, ok func(answer) bool, headers ...string) {
		t.Helper()
		start := time.Now() // the switch was just set
		for _, s := range both {
			for {
				res := call(t, s.url(), "GET", "/api/v1/me", nil, headers...)
				if ok(res) {
					t.Logf("%s on %s %v after the switch", what, s.addr, time.Since(start).Round(time.Millisecond))
					break
				}
				if time.Since(start) > 6*time.Second {
					t.Fatalf("%s not seen on %s after 6 s: %d %s", what, s.addr, res.status, res.body)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	set(purshttp.SettingMaintenance, `{"notice":"upgrade"}`)
	await("maintenance", func(r answer) bool {
		return r.status == 503 && r.code() == "MAINTENANCE" && r.header.Get("Retry-After") != ""
	})
	// Health stays open in maintenance.
	for _, s := range both {
		if res := call(t, s.url(), "GET", "/healthz", nil); res.status != 200 {
			t.Errorf("healthz in maintenance on %s: %d", s.addr, res.status)
		}
	}
	set(purshttp.SettingMaintenance, "")
	await("maintenance off", func(r answer) bool { return r.status == 401 })

	set(purshttp.SettingMinClientVersion, "2.0")
	await("minimum version", func(r answer) bool { return r.status == 426 && r.code() == "APP_VERSION_OUTDATED" }, "X-Client-Version", "1.9.9")
	set(purshttp.SettingMinClientVersion, "")
	await("minimum version off", func(r answer) bool { return r.status == 401 }, "X-Client-Version", "1.9.9")
}

// spread runs n calls at once, alternating instances, and counts the answers by status. A call
// answered 503 with Retry-After is made again (CI at load 19: three phone-change starts waited past
// the store's deadline and were answered so, which the test counted as failures).
func spread(t *testing.T, both []*server, n int, fn func(s *server, i int) answer) map[int]int {
	t.Helper()
	var (
		mu  sync.Mutex
		got = map[int]int{}
		wg  sync.WaitGroup
	)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// As a client following the contract: a 503 with Retry-After (the store's deadline
			// passed on a loaded machine, the argon2id queue full) is tried again, as patient does.
			res := fn(both[i%2], i)
			for try := 0; res.status == 503 && res.header.Get("Retry-After") != "" && try < 5; try++ {
				time.Sleep(2 * time.Second)
				res = fn(both[i%2], i)
			}
			if res.status >= 500 {
				t.Errorf("call %d: %d %s", i, res.status, res.body)
			}
			mu.Lock()
			got[res.status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	return got
}

// accounts counts every stored account, read from the store directly.
func accounts(t *testing.T, store purse.Store) int {
	t.Helper()
	ctx := context.Background()
	n := 0
	err := store.Read(ctx, func(tx purse.Tx) error {
		c, err := tx.CountAccounts(ctx)
		for _, v := range c {
			n += v
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// messagesTo counts the outbox messages to a recipient.
func messagesTo(t *testing.T, store purse.Store, to string) int {
	t.Helper()
	ctx := context.Background()
	var n int
	err := store.Read(ctx, func(tx purse.Tx) error {
		msgs, err := tx.MessagesTo(ctx, to, 1000)
		n = len(msgs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// twoInstanceClosureCodeCap has one account start closure after closure, alternating instances,
// and ask each for an SMS code on the other instance: the daily cap (verify.DailyCap) counts the
// codes of both, so the eleventh is refused whichever instance is asked.
func twoInstanceClosureCodeCap(t *testing.T, both []*server, phones *phoneSeq) {
	_, token := phones.register(t, both[0])
	auth := []string{"Authorization", "Bearer " + token}
	sent := 0
	for i := 0; i < verify.DailyCap+2; i++ {
		one, other := both[i%2].url(), both[(i+1)%2].url()
		var f struct{ ID, State string }
		res := call(t, one, "POST", "/api/v1/closures", nil, auth...)
		decode(t, res, &f)
		for _, step := range []struct {
			path string
			body any
		}{{"agreement", map[string]bool{"accept": true}}, {"rights", map[string]bool{"confirm": true}}} {
			if res := call(t, other, "POST", "/api/v1/closures/"+f.ID+"/"+step.path, step.body, auth...); res.status != 200 {
				t.Fatalf("closure %d %s: %d %s", i, step.path, res.status, res.body)
			}
		}
		res = call(t, other, "POST", "/api/v1/closures/"+f.ID+"/codes", map[string]string{"channel": "sms"}, auth...)
		switch {
		case res.status == 201:
			sent++
		case res.status == 429 && res.code() == "OTP_RATE_LIMITED" && sent == verify.DailyCap:
		default:
			t.Fatalf("code %d after %d sent: %d %s", i+1, sent, res.status, res.body)
		}
		if res := call(t, one, "POST", "/api/v1/closures/"+f.ID+"/cancel", nil, auth...); res.status != 200 {
			t.Fatalf("cancel closure %d: %d %s", i, res.status, res.body)
		}
	}
	if sent != verify.DailyCap {
		t.Errorf("%d closure codes sent, cap %d", sent, verify.DailyCap)
	}
}

// TestTwoInstancesMixedLoad runs the crash test's mixed load (money, closures at every step, codes,
// links, deliveries) through two purse processes on one PostgreSQL and kills both at random
// moments, one a little before the other, so that the survivor carries the load alone for a while:
// the same checks hold (mix.check), no closing job or message runs twice, and every closure ends.
func TestTwoInstancesMixedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("instances test: builds and runs real processes")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	newMix(t, storetest.PostgresURL(t), 2).run(8)
}
