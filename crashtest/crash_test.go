package crashtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/business"
	"github.com/purse-wallet/purse/storetest"
)

const masterKey = "PURSE_MASTER_KEY=0707070707070707070707070707070707070707070707070707070707070707"

// request is one idempotent call the load made, with what it was answered (if it was).
type request struct {
	method, path, key string
	token             string // a session token, for the phone-change starts
	target            string // the phone a phone-change start sends its code to; "" for a registration
	body              []byte
	acked             bool
	replayedHeader    bool
	status            int
	answer            []byte
}

func (r *request) send(base string) (int, []byte, error) {
	req, _ := http.NewRequest(r.method, base+r.path, bytes.NewReader(r.body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", r.key)
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	r.replayedHeader = res.Header.Get("Idempotent-Replayed") == "true"
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func TestCrashLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: builds and kills real processes")
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		t.Run(dialect, func(t *testing.T) {
			seed := uint64(time.Now().UnixNano())
			if s := os.Getenv("PURSE_CRASH_SEED"); s != "" {
				seed, _ = strconv.ParseUint(s, 10, 64)
			}
			t.Logf("seed %d (rerun with PURSE_CRASH_SEED=%d)", seed, seed)
			db := filepath.Join(t.TempDir(), "purse.db")
			if dialect == "postgres" {
				db = storetest.PostgresURL(t)
			}
			runCrashes(t, newServer(t, db, masterKey), rand.New(rand.NewPCG(seed, seed)))
		})
	}
}

func runCrashes(t *testing.T, srv *server, rng *rand.Rand) {
	const kills = 20
	var (
		mu   sync.Mutex
		reqs []*request
		seq  int
	)
	// A few accounts signed in before the first kill start phone changes during the load, so that
	// one-time codes are sent, capped and retried across crashes too.
	var tokens []string
	next := func() *request {
		mu.Lock()
		defer mu.Unlock()
		seq++
		if len(tokens) > 0 && seq%3 == 0 {
			target := fmt.Sprintf("137%08d", seq)
			body, _ := json.Marshal(map[string]string{"new_phone": target})
			r := &request{method: "POST", path: "/api/v1/business/phone-change", key: fmt.Sprintf("pc-%d", seq),
				body: body, token: tokens[seq%len(tokens)], target: target}
			reqs = append(reqs, r)
			return r
		}
		phone := fmt.Sprintf("135%08d", seq)
		body, _ := json.Marshal(map[string]string{"phone": phone, "password": "crash test password", "payment_password": "135790"})
		r := &request{method: "POST", path: "/api/v1/accounts", key: fmt.Sprintf("reg-%d", seq), body: body}
		reqs = append(reqs, r)
		return r
	}
	var stats crashStats
	srv.start()
	day := time.Now().UTC().Truncate(24 * time.Hour)
	var signedIn []string
	for i := 0; i < 4; i++ {
		r := next()
		status, answer, err := r.send(srv.url())
		if err != nil || status != 201 {
			t.Fatalf("register: %d %s %v", status, answer, err)
		}
		r.acked, r.status, r.answer = true, status, answer
		signedIn = append(signedIn, signIn(t, srv, r))
	}
	tokens = signedIn
	for round := 0; round < kills; round++ {
		loadUntilKilled(srv, rng, &mu, next)
		countAccounts(t, srv, reqs, round)
		countCodes(t, srv, reqs, round, time.Now().UTC().Truncate(24*time.Hour).Equal(day))
		srv.start()
		check(t, srv, reqs, round, &stats)
	}
	// After the last check every request is acknowledged; with the process down once more, the
	// store holds exactly one account per distinct registration.
	srv.kill()
	regs := registrations(reqs)
	if n := storedAccounts(t, srv.db); n != regs {
		t.Fatalf("after the last round: %d accounts for %d distinct registrations", n, regs)
	}
	sent := countCodes(t, srv, reqs, kills, time.Now().UTC().Truncate(24*time.Hour).Equal(day))
	t.Logf("the store holds one account per registration (%d) and one code per accepted phone change (%d of %d) after %d kills",
		regs, sent, len(reqs)-regs, kills)
	srv.start()
	t.Logf("%d kills, %d idempotent requests; %d were cut off by a kill, of which %d had committed and replayed",
		kills, len(reqs), stats.cut, stats.replayed)
}

type crashStats struct{ cut, replayed int }

// check retries every request with its key: an acknowledged one must replay its first answer to
// the byte; an unacknowledged one either replays (it committed before the kill) or runs now. Then
// every account registered must sign in: its row survived.
func check(t *testing.T, srv *server, reqs []*request, round int, stats *crashStats) {
	t.Helper()
	for _, r := range reqs {
		status, answer, err := r.send(srv.url())
		if err != nil {
			t.Fatalf("round %d: retry %s: %v", round, r.key, err)
		}
		if r.acked {
			if status != r.status || !bytes.Equal(answer, r.answer) {
				t.Fatalf("round %d: %s answered %d %s after the crash, first %d %s", round, r.key, status, answer, r.status, r.answer)
			}
			continue
		}
		// A phone change may meet the account's daily cap of codes; a registration always succeeds.
		if status != 201 && !(r.target != "" && status == 429) {
			t.Fatalf("round %d: unacknowledged %s, retried: %d %s", round, r.key, status, answer)
		}
		stats.cut++
		if r.replayedHeader {
			stats.replayed++
		}
		r.acked, r.status, r.answer = true, status, answer
	}
	// Spot-check that acknowledged accounts exist by signing in as a few of them.
	for i := 0; i < len(reqs); i += 1 + len(reqs)/10 {
		if reqs[i].target != "" {
			continue
		}
		var body map[string]string
		json.Unmarshal(reqs[i].body, &body)
		login, _ := json.Marshal(map[string]string{"login": body["phone"], "password": body["password"]})
		res, err := http.Post(srv.url()+"/api/v1/sessions", "application/json", bytes.NewReader(login))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 201 {
			t.Fatalf("round %d: acknowledged account %s cannot sign in: %d", round, body["phone"], res.StatusCode)
		}
	}
}

// countAccounts reads the store directly while the process is down, and checks that no
// registration was doubled or lost by the crash: every acknowledged one (each a distinct phone)
// has its account, and no more accounts exist than registrations were sent.
func countAccounts(t *testing.T, srv *server, reqs []*request, round int) {
	t.Helper()
	acked := 0
	for _, r := range reqs {
		if r.target == "" && r.acked && r.status == 201 {
			acked++
		}
	}
	n := storedAccounts(t, srv.db)
	if n < acked || n > registrations(reqs) {
		t.Fatalf("round %d: %d accounts stored, %d registrations acknowledged of %d sent", round, n, acked, registrations(reqs))
	}
}

// storedAccounts opens the store as the process would and counts every account.
func storedAccounts(t *testing.T, db string) int {
	t.Helper()
	ctx := context.Background()
	store, err := app.OpenStore(ctx, db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	n := 0
	err = store.Read(ctx, func(tx purse.Tx) error {
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

// registrations counts the registration requests sent.
func registrations(reqs []*request) int {
	n := 0
	for _, r := range reqs {
		if r.target == "" {
			n++
		}
	}
	return n
}

// signIn opens a session for a registered account and returns its token.
func signIn(t *testing.T, srv *server, reg *request) string {
	t.Helper()
	var body map[string]string
	json.Unmarshal(reg.body, &body)
	res := call(t, srv.url(), "POST", "/api/v1/sessions", map[string]string{"login": body["phone"], "password": body["password"]})
	var s struct{ Token string }
	decode(t, res, &s)
	if res.status != 201 || s.Token == "" {
		t.Fatalf("sign in: %d %s", res.status, res.body)
	}
	return s.Token
}

// countCodes reads the outbox while the process is down: an accepted phone change (201) sent its
// code exactly once, a refused one (429) none, one cut off by the kill at most one; and no account
// got more codes than its daily cap (checked when the run stayed within one UTC day, the cap's
// window). It returns how many codes were sent.
func countCodes(t *testing.T, srv *server, reqs []*request, round int, sameDay bool) int {
	t.Helper()
	ctx := context.Background()
	store, err := app.OpenStore(ctx, srv.db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	total, perAccount := 0, map[string]int{}
	err = store.Read(ctx, func(tx purse.Tx) error {
		for _, r := range reqs {
			if r.target == "" {
				continue
			}
			msgs, err := tx.MessagesTo(ctx, r.target, 10)
			if err != nil {
				return err
			}
			n := len(msgs)
			switch {
			case r.acked && r.status == 201 && n != 1, r.acked && r.status != 201 && n != 0, n > 1:
				t.Errorf("round %d: %s answered %d (acknowledged %v) and sent %d codes", round, r.key, r.status, r.acked, n)
			}
			total += n
			perAccount[r.token] += n
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for tok, n := range perAccount {
		if sameDay && n > business.DailySends {
			t.Errorf("round %d: an account got %d codes, cap %d (token …%s)", round, n, business.DailySends, tok[len(tok)-4:])
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return total
}
