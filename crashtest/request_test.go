package crashtest

import (
	"bytes"
	"io"
	"net/http"
	"time"
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
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}
