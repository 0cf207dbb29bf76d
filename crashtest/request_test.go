package crashtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/app"
	"github.com/purse-wallet/purse/sqlstore"
	"github.com/purse-wallet/purse/vault"
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
	retryAfter        string // the last answer's Retry-After: a 503 with it is to be sent again
	status            int
	answer            []byte
	at                time.Time // when it was first answered
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
	r.retryAfter = res.Header.Get("Retry-After")
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// sealedStore opens the servers' store from the test, sealing as they do (issue 15: the outbox is
// sealed under the master key, so a message the test enqueues needs it too).
func sealedStore(t *testing.T, db string) *sqlstore.DB {
	t.Helper()
	store, err := app.OpenStore(context.Background(), db, purse.SystemClock{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	key, err := vault.ParseMasterKey(strings.TrimPrefix(masterKey, "PURSE_MASTER_KEY="))
	if err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(vault.SingleKey(key))
	if err != nil {
		t.Fatal(err)
	}
	store.UseSealer(v)
	return store
}
