package crashtest

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/notify/notifytest"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/storetest"
)

// mixPolicy needs the payment password and an SMS code, and the e-mail link from accounts that
// have an e-mail (IM-2), so that one-time codes and links are sent, delivered and used across the
// kills; its week of cooling-off is ended by the test, while the process is down, for the closures
// it lets the job close.
const mixPolicy = `name = "crash"
description = "payment password, SMS code and e-mail link; a week of cooling-off"
checks = ["balance", "points", "fund", "transactions", "auto_debits", "credit", "agreements",
          "business", "disputes", "merchant_contracts", "stored"]
cascade = true
manual_review = false
submit_on_link = false
withdrawal_window = "24h"
sweep_threshold = 0
cooling_off = "7d"
deadline_days = 15
flow_expiry = "24h"
notify_order = ["email", "sms"]

[verification]
unverified = ["payment_password", "sms_code", "email_link"]
mobile = ["payment_password", "sms_code", "email_link"]
verified = ["payment_password", "sms_code", "email_link"]
merchant = ["payment_password", "sms_code", "email_link"]

[retention]
personal_data = "30d"
records = "1826d"
`

const smsSecret = "crash sms secret"

// liveClosers is how many accounts drive closures at any time; a closed one is replaced.
const liveClosers = 6

// mix is the mixed load of one test: money moving between funded accounts (and towards the
// closers and an account held in cooling-off), and closers driving their closures, through one
// or several purse processes on one store, with the message providers recording what they got.
type mix struct {
	t     *testing.T
	seed  uint64
	srvs  []*server
	store *sqlstore.DB // the test's own view of the database
	sms   *notifytest.Receiver
	mail  *notifytest.Mailbox

	mu      sync.Mutex
	rng     *rand.Rand
	reqs    []*request
	byKey   map[string]*request
	seq     int
	funded  []wallet
	held    *closer // in cooling-off the whole test: money must never reach it
	closers []*closer
	waiting map[string]bool // closures in cooling-off that wait for the closing job
	ended   map[string]bool // closures whose week the test has ended
	aged    map[string]bool // closures whose codes the test has expired
	// leaseEnded counts, by message, the claims of killed processes whose lease the test ended.
	leaseEnded map[string]int
	final      bool // the last drive: no new closers
	stats      mixStats
	day        time.Time // the UTC day the run began: the daily caps are checked within it
}

type mixStats struct {
	cut, replayed, redelivered, ended int
	expiredCodes, refusedCodes        int            // codes the test expired; refused codes followed by a fresh ask
	cutSteps                          map[string]int // requests cut off by a kill, by step
}

func seedOf(t *testing.T) uint64 {
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv("PURSE_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	t.Logf("seed %d (rerun with PURSE_CRASH_SEED=%d)", seed, seed)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("FAILED with seed %d: rerun with PURSE_CRASH_SEED=%d", seed, seed)
		}
	})
	return seed
}

// newMix starts n processes on db with the crash policy and the recording providers, and sets up
// four funded accounts and one held in cooling-off.
func newMix(t *testing.T, db string, n int) *mix {
	seed := seedOf(t)
	dir := t.TempDir()
	policy := filepath.Join(dir, "crash.toml")
	if err := os.WriteFile(policy, []byte(mixPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	m := &mix{t: t, seed: seed, rng: rand.New(rand.NewPCG(seed, seed)), byKey: map[string]*request{},
		waiting: map[string]bool{}, ended: map[string]bool{}, aged: map[string]bool{}, leaseEnded: map[string]int{}, stats: mixStats{cutSteps: map[string]int{}},
		sms: notifytest.NewReceiver(t, []byte(smsSecret)), mail: notifytest.NewMailbox(t)}
	for i := 0; i < n; i++ {
		s := newServer(t, db, masterKey, "PURSE_POLICY="+policy, "PURSE_SMS_WEBHOOK_SECRET="+smsSecret)
		s.args = []string{"--sms-webhook-url", m.sms.URL, "--smtp-url", m.mail.URL(), "--smtp-tls", "none",
			"--mail-from", notifytest.From, "--base-url", "http://wallet.example"}
		s.start() // the first migrates alone
		m.srvs = append(m.srvs, s)
	}
	// The outbox is sealed (issue 15): the test reads it with the servers' master key.
	store := sealedStore(t, db)
	m.store = store
	m.day = time.Now().UTC().Truncate(24 * time.Hour)
	m.funded = make([]wallet, 4)
	for i := range m.funded {
		m.funded[i] = newWallet(t, m.srvs[i%n], m.store, m.sms, fmt.Sprintf("1370000%04d", i), 5_000_000)
	}
	m.hold()
	return m
}

// base is the address of one of the processes, at random.
func (m *mix) base() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.srvs[m.rng.IntN(len(m.srvs))].url()
}

// post sends an idempotent request, recording it under its key; a key sent before is sent again
// and must be answered as it first was. ok is false when the process did not answer.
func (m *mix) post(base, token, key, path string, body any) (answer, bool) {
	m.mu.Lock()
	r := m.byKey[key]
	if r == nil {
		r = &request{method: "POST", path: path, key: key, token: token}
		if body != nil {
			r.body = jsonBody(body)
		}
		m.reqs = append(m.reqs, r)
		m.byKey[key] = r
	}
	m.mu.Unlock()
	status, got, err := r.send(base)
	if err != nil {
		return answer{}, false
	}
	a := answer{status: status, body: got}
	if status == 503 && r.retryAfter != "" {
		// Not an answer to keep: the request is to be sent again, and may then be answered
		// otherwise (comeBack).
		a.header = http.Header{"Retry-After": {r.retryAfter}}
		return a, true
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if r.acked && (status != r.status || !bytes.Equal(got, r.answer)) {
		m.t.Errorf("%s answered %d %s when sent again, first %d %s", key, status, got, r.status, r.answer)
	}
	if !r.acked {
		r.at = time.Now()
	}
	r.acked, r.status, r.answer = true, status, got
	return a, true
}

// moveMoney sends one top-up, withdrawal or transfer; some transfers go to the closers, which
// then meet a balance blocker, and some to the account in cooling-off, which must refuse them.
func (m *mix) moveMoney(base string) bool {
	m.mu.Lock()
	m.seq++
	key := fmt.Sprintf("money-%d", m.seq)
	from := m.funded[m.rng.IntN(len(m.funded))]
	amount := 1 + m.rng.IntN(5000)
	// Every movement out carries the payment password: password-free small payments are off
	// unless the holder switches them on (issue 13).
	path, body := "/api/v1/transfers", map[string]any{"amount": amount, "payment_password": "135790"}
	switch k := m.rng.IntN(10); {
	case k < 4:
		body["to"] = m.funded[m.rng.IntN(len(m.funded))].id
		if body["to"] == from.id {
			body["to"] = m.held.id
		}
	case k < 6:
		body["to"] = m.held.id
		if len(m.closers) > 0 && m.closers[m.rng.IntN(len(m.closers))].id != "" {
			body["to"] = m.closers[m.rng.IntN(len(m.closers))].id
		}
	case k < 8:
		path, body = "/api/v1/topups", map[string]any{"card_id": from.card, "amount": amount}
	case k < 9:
		// A phone change sends a one-time code, within the account's daily cap.
		target := fmt.Sprintf("139%08d", m.seq)
		m.mu.Unlock()
		return m.startPhoneChange(base, from.token, key, target)
	default:
		path, body = "/api/v1/withdrawals", map[string]any{"card_id": from.card, "amount": amount, "payment_password": "135790"}
	}
	m.mu.Unlock()
	res, ok := m.post(base, from.token, key, path, body)
	if ok && res.status >= 500 {
		m.t.Errorf("%s %s: %d %s", key, path, res.status, res.body)
	}
	return ok
}

// startPhoneChange sends a keyed phone-change start, recording the phone its code goes to.
func (m *mix) startPhoneChange(base, token, key, target string) bool {
	m.mu.Lock()
	if m.byKey[key] == nil {
		r := &request{method: "POST", path: "/api/v1/business/phone-change", key: key, token: token, target: target,
			body: jsonBody(map[string]string{"new_phone": target})}
		m.reqs = append(m.reqs, r)
		m.byKey[key] = r
	}
	m.mu.Unlock()
	res, ok := m.post(base, token, key, "/api/v1/business/phone-change", nil)
	if ok && res.status >= 500 {
		m.t.Errorf("%s: %d %s", key, res.status, res.body)
	}
	return ok
}

// driveOne takes a step for a closer no other worker is driving, adding a closer when fewer than
// liveClosers remain open (a retired one no longer counts: it starts no more closures).
func (m *mix) driveOne(base string) bool {
	m.mu.Lock()
	var free []*closer
	live := 0
	for _, c := range m.closers {
		if !c.closed {
			if !c.retired {
				live++
			}
			if !c.busy {
				free = append(free, c)
			}
		}
	}
	if live < liveClosers && !m.final {
		c := m.newCloser()
		free = append(free, c)
	}
	if len(free) == 0 {
		m.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		return true
	}
	c := free[m.rng.IntN(len(free))]
	c.busy = true
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		c.busy = false
		m.mu.Unlock()
	}()
	return m.drive(base, c)
}

// newCloser adds a closer; every other one has an e-mail, so that its closure needs the link.
func (m *mix) newCloser() *closer {
	n := len(m.closers)
	c := &closer{n: n, phone: fmt.Sprintf("1380000%04d", n), rechecks: map[string]int{}, asks: map[string]int{}}
	if n%2 == 1 {
		c.email = fmt.Sprintf("closer%d@example.com", n)
	}
	m.closers = append(m.closers, c)
	return c
}

// round runs the load through the processes for a random moment, then kills every process with
// SIGKILL, one after the other, and waits for the clients to stop.
func (m *mix) round() {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	work := func(fn func(string) bool) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !fn(m.base()) {
					time.Sleep(5 * time.Millisecond) // the process died: wait for the end of the round
				}
			}
		}()
	}
	work(m.moveMoney)
	work(m.moveMoney)
	work(m.driveOne)
	work(m.driveOne)
	work(m.driveOne)
	m.mu.Lock()
	window := time.Duration(100+m.rng.IntN(500)) * time.Millisecond
	order := m.rng.Perm(len(m.srvs))
	gap := time.Duration(m.rng.IntN(100)) * time.Millisecond
	m.mu.Unlock()
	time.Sleep(window)
	for i, k := range order {
		if i > 0 {
			time.Sleep(gap) // the other instance carries the load alone for a moment
		}
		m.srvs[k].kill()
	}
	close(stop)
	wg.Wait()
}

// restart starts every process again.
func (m *mix) restart() {
	for _, s := range m.srvs {
		s.start()
	}
}

// replayAll retries every request with its key: an acknowledged one answers as it first did to the
// byte; an unacknowledged one either replays (it committed before the kill) or runs now. The one
// exception is a closer's request after its account closed: closing revoked its sessions, so the
// request is refused (UNAUTHENTICATED) before any answer is looked up; the store must confirm.
func (m *mix) replayAll(round int) {
	m.t.Helper()
	for _, r := range m.reqs {
		base := m.base()
		status, got, err := r.send(base)
		// A patient client: a 503 with Retry-After (a full hasher queue on a busy machine) is
		// sent again after the wait it names, a few times.
		for tries := 0; err == nil && status == 503 && r.retryAfter != "" && tries < 10; tries++ {
			wait, _ := strconv.Atoi(r.retryAfter)
			time.Sleep(time.Duration(max(wait, 1)) * time.Second)
			status, got, err = r.send(base)
		}
		if err != nil {
			m.t.Fatalf("round %d: retry %s: %v", round, r.key, err)
		}
		if refusedAsClosed(answer{status: status, body: got}) && m.tokenClosed(r.token) {
			continue
		}
		if r.acked && (status != r.status || !bytes.Equal(got, r.answer)) {
			m.t.Fatalf("round %d: %s answered %d %s after the crash, first %d %s", round, r.key, status, got, r.status, r.answer)
		}
		if status >= 500 {
			m.t.Fatalf("round %d: %s answered %d %s", round, r.key, status, got)
		}
		if !r.acked && r.path == "/api/v1/accounts" && status != 201 {
			m.t.Fatalf("round %d: unacknowledged registration %s, retried: %d %s", round, r.key, status, got)
		}
		if !r.acked {
			m.stats.cut++
			m.stats.cutSteps[stepOf(r.path)]++
			if r.replayedHeader {
				m.stats.replayed++
			}
			r.at = time.Now()
		}
		r.acked, r.status, r.answer = true, status, got
	}
}

// tokenClosed reports whether token is a closer's whose account the store has closed.
func (m *mix) tokenClosed(token string) bool {
	m.mu.Lock()
	id := ""
	for _, c := range m.closers {
		if c.token == token && token != "" {
			id = c.id
		}
	}
	m.mu.Unlock()
	var status string
	err := m.store.SQL().QueryRow(rebind(m.store, `SELECT status FROM accounts WHERE id = ?`), id).Scan(&status)
	return id != "" && err == nil && status == "closed"
}

// get sends an unrecorded GET; ok is false when the process did not answer.
func get(base, path string, headers ...string) (answer, bool) {
	return plain("GET", base, path, nil, headers...)
}

// postJSON sends an unrecorded POST (a sign-in); ok is false when the process did not answer.
func postJSON(base, path string, body any) (answer, bool) {
	return plain("POST", base, path, jsonBody(body))
}

func plain(method, base, path string, body []byte, headers ...string) (answer, bool) {
	req, err := http.NewRequest(method, base+path, bytes.NewReader(body))
	if err != nil {
		return answer{}, false
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, false
	}
	defer res.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(res.Body); err != nil {
		return answer{}, false
	}
	return answer{status: res.StatusCode, header: res.Header, body: b.Bytes()}, true
}

// decodeInto reads a JSON answer into v, reporting (not stopping) on failure: it runs in workers.
func decodeInto(t *testing.T, a answer, v any) {
	if err := jsonUnmarshal(a.body, v); err != nil {
		t.Errorf("answer %d is not JSON: %v: %s", a.status, err, a.body)
	}
}

// messagesTo reads the outbox to a recipient, newest first.
func (m *mix) messagesTo(to string) ([]*purse.Message, error) {
	ctx := context.Background()
	var msgs []*purse.Message
	err := m.store.Read(ctx, func(tx purse.Tx) error {
		var err error
		msgs, err = tx.MessagesTo(ctx, to, 50)
		return err
	})
	return msgs, err
}

// TestCrashMixedLoad kills purse with SIGKILL at random moments, at least twenty times per store,
// while funded accounts top up, withdraw and pay each other, the closers and an account in its
// cooling-off, and a handful of accounts drive closures through every step (codes and e-mail links
// included) and are replaced once closed; the outbox delivers to an SMS webhook and an SMTP server
// that record every message id. After every kill and restart (DESIGN.md §4): see mix.check; at the
// end every closure is driven to its end.
func TestCrashMixedLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and kills real processes")
	}
	t.Parallel() // its proof holds at any speed: see the package comment
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "purse.db")
			if dialect == "postgres" {
				db = storetest.PostgresURL(t)
			}
			newMix(t, db, 1).run(20)
		})
	}
}

// run makes kills rounds of load, kill, check, restart, replay; then drives every closure to its end.
func (m *mix) run(kills int) {
	t := m.t
	for round := 0; round < kills; round++ {
		m.round()
		m.check(round)
		m.endWeeks()
		m.expireCodes()
		m.restart()
		m.replayAll(round)
		if t.Failed() {
			t.FailNow()
		}
	}
	m.finish()
	for _, s := range m.srvs {
		s.kill()
	}
	m.check(kills)
	m.none(kills, "a closure is still open at the end", `SELECT id FROM closures WHERE state NOT IN ('closed', 'failed', 'cancelled', 'expired')`)
	m.checkDeliveries(kills, true)
	t.Logf("%d kills over %d process(es); %d idempotent requests, %d cut off by a kill (%d had committed and replayed); "+
		"%d closers; %d closures closed by the job after the test ended their week; %d messages sent again after a kill under the same id",
		kills, len(m.srvs), len(m.reqs), m.stats.cut, m.stats.replayed, len(m.closers), m.stats.ended, m.stats.redelivered)
	t.Logf("requests cut off by a kill, by step: %v; closures by final state: %v", m.stats.cutSteps, m.finalStates())
	t.Logf("%d closures' codes expired by the test while it was down; %d refused verifications followed by a fresh code",
		m.stats.expiredCodes, m.stats.refusedCodes)
}

// hold takes an account through its closure into cooling-off, where it stays until the end: the
// money aimed at it must be refused all along.
func (m *mix) hold() {
	m.held = &closer{n: 9999, phone: "13700009999", rechecks: map[string]int{}, asks: map[string]int{}, hold: true}
	for i := 0; ; i++ {
		if i == 20 {
			m.t.Fatal("the held account did not reach its cooling-off")
		}
		base := m.srvs[0].url()
		if !m.drive(base, m.held) {
			m.t.Fatal("the held account's closure failed")
		}
		res, _ := get(base, "/api/v1/closures", "Authorization", "Bearer "+m.held.token)
		var list struct {
			Closures []closureItem `json:"closures"`
		}
		decodeInto(m.t, res, &list)
		if len(list.Closures) == 1 && list.Closures[0].State == "cooling_off" {
			return
		}
	}
}

// refusedAsClosed reports whether an answer refuses a session because its account was closed.
func refusedAsClosed(a answer) bool {
	return (a.status == 401 && a.code() == "UNAUTHENTICATED") || (a.status == 403 && a.code() == "ACCOUNT_CLOSED")
}

// stepOf names the step a request path takes ("transfers", "agreement", "submit" ...).
func stepOf(path string) string {
	parts := strings.Split(strings.TrimPrefix(path, "/api/v1/"), "/")
	if len(parts) == 3 || (len(parts) == 2 && parts[0] == "closures") {
		return "closure " + parts[len(parts)-1]
	}
	return parts[0]
}

// finalStates counts the closures by state.
func (m *mix) finalStates() map[string]int {
	out := map[string]int{}
	rows, err := m.store.SQL().Query(`SELECT state, COUNT(*) FROM closures GROUP BY state`)
	if err != nil {
		m.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			m.t.Fatal(err)
		}
		out[state] = n
	}
	return out
}
