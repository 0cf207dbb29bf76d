package http_test

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

// TestHolderInstallsTheDeviceCertificate (AP-2, GE-1, issue 18): a digital-certificate user whose
// certificate is not on this device was stopped by the environment check with support as the only
// way out. Now the holder asks for a code to the bound phone and, with it and the payment password,
// installs the certificate on the device the session runs on (remembering it, with a device
// token, when the session had none): the next environment check passes there and nowhere else. A wrong payment password counts toward its lock and spends
// no try of the code; a wrong code says how many tries are left; an expired code answers
// OTP_EXPIRED and a fresh one is sent on request. The install is audited and written into the
// stopped request's history. Before the change, the remedy named no route and no such route existed.
func TestHolderInstallsTheDeviceCertificate(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("")
		ct.Blocker(t, e, u.ID, purse.CodeEnvCertificateMissing)
		// The phone's session runs on no remembered device: the install remembers it.
		onPhone := u.Header()
		laptop := signInOn(t, e, u, "", 201) // another remembered device of the same holder
		onLaptop := apitest.Auth(laptop.Token)

		// Stopped at the start (AP-2), and the blocker's remedy is the install route.
		stopped := ct.Decode(t, e.Call("POST", "/api/v1/closures", nil, onPhone...).Expect(t, 201))
		if stopped.State != "failed" || !slices.Contains(ct.Codes(stopped.Blockers), "ENV_CERTIFICATE_MISSING") {
			t.Fatalf("before the install: %s %v", stopped.State, ct.Codes(stopped.Blockers))
		}
		rem := stopped.Blockers[0]["remedy"].(map[string]any)
		if rem["api"] != "POST /api/v1/security/certificate" || rem["page"] != "/security/certificate" {
			t.Fatalf("remedy %v", rem)
		}

		start := func(h []string) string {
			var f struct {
				ID     string `json:"id"`
				Target string `json:"target"`
			}
			e.Call("POST", "/api/v1/security/certificate/code", nil, h...).Expect(t, 201).JSON(t, &f)
			if f.Target == "" || f.Target == u.Phone {
				t.Fatalf("the flow names the phone as %q", f.Target)
			}
			return f.ID
		}
		install := func(h []string, id, code, pin string) *apitest.Response {
			return e.Call("POST", "/api/v1/security/certificate", map[string]any{"flow_id": id, "code": code,
				"payment_password": pin}, h...)
		}
		start(onLaptop) // replaced by the next start
		id := start(onPhone)
		code := e.LastSMSCode(u.Phone, "certificate_install")
		if code == "" {
			t.Fatal("no code went to the bound phone")
		}
		// A wrong payment password is counted (four left) and spends no try of the code.
		p := install(onPhone, id, code, "000000").ExpectProblem(t, 422, "PAYMENT_PASSWORD_WRONG")
		if !strings.Contains(p.Detail, "4") {
			t.Fatalf("payment password: %s", p.Detail)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		p = install(onPhone, id, wrong, u.PaymentPassword).ExpectProblem(t, 422, "OTP_INVALID")
		if !strings.Contains(p.Detail, "4") {
			t.Fatalf("code: %s", p.Detail)
		}
		// GE-1: an expired code is told as such; a fresh one is sent on request.
		e.Clock.Advance(6 * time.Minute)
		install(onPhone, id, code, u.PaymentPassword).ExpectProblem(t, 422, "OTP_EXPIRED")
		e.Call("POST", "/api/v1/business/"+id+"/code", nil, onPhone...).Expect(t, 200)
		code = e.LastSMSCode(u.Phone, "certificate_install")

		var got struct {
			Device struct {
				ID            string    `json:"id"`
				CertificateAt time.Time `json:"certificate_at"`
			} `json:"device"`
			DeviceToken string `json:"device_token"`
		}
		install(onPhone, id, code, u.PaymentPassword).Expect(t, 200).JSON(t, &got)
		if got.Device.CertificateAt.IsZero() || got.DeviceToken == "" {
			t.Fatalf("installed %+v", got)
		}
		// The remembered device signs in without a second step and passes the check there too.
		again := signInOn(t, e, u, got.DeviceToken, 201)
		if codes := envCodes(t, e, apitest.Auth(again.Token)); slices.Contains(codes, "ENV_CERTIFICATE_MISSING") {
			t.Fatalf("a new session on the phone is blocked: %v", codes)
		}
		install(onPhone, id, code, u.PaymentPassword).ExpectProblem(t, 422, "OTP_EXPIRED") // used

		// This device passes the environment check; the laptop does not.
		if codes := envCodes(t, e, onPhone); slices.Contains(codes, "ENV_CERTIFICATE_MISSING") {
			t.Fatalf("phone still blocked: %v", codes)
		}
		if codes := envCodes(t, e, onLaptop); !slices.Contains(codes, "ENV_CERTIFICATE_MISSING") {
			t.Fatalf("the laptop passed: %v", codes)
		}
		if f := ct.Decode(t, e.Call("POST", "/api/v1/closures", nil, onLaptop...).Expect(t, 201)); f.State != "failed" {
			t.Fatalf("laptop's closure %s", f.State)
		}
		next := ct.Decode(t, e.Call("POST", "/api/v1/closures", nil, onPhone...).Expect(t, 201))
		if next.State != "agreement" {
			t.Fatalf("after the install: %s %v", next.State, ct.Codes(next.Blockers))
		}

		// Audited, and told in the history of the request the check had stopped.
		if acts := auditActions(t, e, u.ID); !slices.Contains(acts, "business.certificate_install.complete") {
			t.Fatalf("audit %v", acts)
		}
		old := ct.Decode(t, e.Call("GET", "/api/v1/closures/"+stopped.ID, nil, onPhone...).Expect(t, 200))
		if !slices.ContainsFunc(old.History, func(h map[string]any) bool { return h["note"] == "device certificate installed" }) {
			t.Fatalf("history %v", old.History)
		}

		// An account that needs no certificate has nothing to install.
		plain := e.SignUp("")
		e.Call("POST", "/api/v1/security/certificate/code", nil, plain.Header()...).ExpectProblem(t, 409, "CERTIFICATE_NOT_REQUIRED")
	})
}

func envCodes(t *testing.T, e *apitest.Env, h []string) []string {
	t.Helper()
	var out struct {
		Blockers []map[string]any `json:"blockers"`
	}
	e.Call("GET", "/api/v1/closure/eligibility", nil, h...).Expect(t, 200).JSON(t, &out)
	return ct.Codes(out.Blockers)
}

// An eligibility check reads the session's device in the statement that reads the facts: read
// apart, it was a round trip of its own at every check (issue 19 session 15).
func TestEligibilityIsOneStatement(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		u := e.SignUp("")
		envCodes(t, e, u.Header()) // the session is read, and kept for the next request
		var mu sync.Mutex
		var qs []string
		e.DB.OnStatement(func(q string) {
			mu.Lock()
			qs = append(qs, strings.Join(strings.Fields(q), " "))
			mu.Unlock()
		})
		envCodes(t, e, u.Header())
		e.DB.OnStatement(nil)
		var reads []string
		for _, q := range qs {
			// The live switches are read when their cache is due (the tests' TTL is short).
			if strings.HasPrefix(q, "SELECT") && !strings.Contains(q, "FROM settings") {
				reads = append(reads, q[:min(len(q), 60)])
			}
		}
		if len(reads) != 1 {
			t.Fatalf("an eligibility check sent %d reads, want 1: %q", len(reads), reads)
		}
	})
}
