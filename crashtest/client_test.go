package crashtest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"
)

// answer is what a real purse process replied.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// code returns the problem code of the answer, "" when there is none.
func (a answer) code() string {
	var p struct{ Code string }
	_ = json.Unmarshal(a.body, &p)
	return p.Code
}

// call sends one request to a running process; body is JSON-encoded unless nil; headers are name,
// value pairs. It is safe in goroutines: a transport failure is reported with t.Errorf and
// answers status 0.
func call(t *testing.T, base, method, path string, body any, headers ...string) answer {
	t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Errorf("%s %s: %v", method, path, err)
			return answer{}
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, base+path, r)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	return answer{status: res.StatusCode, header: res.Header, body: b}
}

// decode reads a JSON answer into v.
func decode(t *testing.T, a answer, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Errorf("answer %d is not JSON: %v: %s", a.status, err, a.body)
	}
}

func jsonMarshal(v any) ([]byte, error)   { return json.Marshal(v) }
func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// register posts a registration as a client following the API's contract does (see patient), with
// the same Idempotency-Key on every try, so the test compares the answers that stand.
func register(t *testing.T, base string, body any, key string) answer {
	t.Helper()
	return patient(t, base, "POST", "/api/v1/accounts", body, "Idempotency-Key", key)
}

// patient calls as a client following the API's contract does: a 503 with Retry-After is sent
// again after the wait, a few times. Under this load the store can be busy past its deadline, and
// the argon2id hasher refuses a password check that waited 2 s for a slot (issue 17); both refuse
// before anything is counted or written, so the same request may simply come again.
func patient(t *testing.T, base, method, path string, body any, headers ...string) answer {
	t.Helper()
	a := call(t, base, method, path, body, headers...)
	for try := 0; a.status == 503 && a.header.Get("Retry-After") != "" && try < 5; try++ {
		time.Sleep(2 * time.Second)
		a = call(t, base, method, path, body, headers...)
	}
	return a
}
