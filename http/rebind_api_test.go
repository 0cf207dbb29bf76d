package http_test

import (
	"slices"
	"testing"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
	ct "github.com/purse-wallet/purse/closuretest"
)

func templatesTo(t *testing.T, e *apitest.Env, to string) []string {
	t.Helper()
	var out []string
	for _, m := range messagesTo(t, e, to) {
		out = append(out, m.Template)
	}
	return out
}

type releaseAnswer struct {
	Status string    `json:"status"`
	DueAt  time.Time `json:"due_at"`
	Token  string    `json:"token"`
}

// releaseCode asks for a release code for phone and returns it ("" for a number bound to no wallet).
func releaseCode(t *testing.T, e *apitest.Env, phone string) string {
	t.Helper()
	e.Call("POST", "/api/v1/phone-releases/code", map[string]any{"phone": phone}).Expect(t, 202)
	return e.LastSMSCode(phone, "phone_release_code")
}

// TestRecycledPhoneIsReleased (AP-9, issue 14, issue 18): "换绑即可" led to an FAQ answer. Now whoever
// holds a recycled number asks for a code to it, proves it, and after the waiting period with no
// objection the number is unbound from the older wallet, which keeps its account and signs in by
// e-mail; then the number registers a new wallet. A free number gets a note instead of a code and
// the same answers, so nothing tells a stranger which numbers have a wallet. Before the change the
// routes did not exist (404).
func TestRecycledPhoneIsReleased(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		old := e.SignUp("old-holder@example.com")

		// A free number: the same 202, an SMS saying it is free, and the same refusal of any code.
		free := apitest.NextPhone()
		if releaseCode(t, e, free) != "" || !slices.Contains(templatesTo(t, e, free), "phone_release_free") {
			t.Fatalf("free number got %v", templatesTo(t, e, free))
		}
		freeRefusal := e.Call("POST", "/api/v1/phone-releases", map[string]any{"phone": free, "code": "123456"}).
			ExpectProblem(t, 422, "OTP_INVALID")

		code := releaseCode(t, e, old.Phone)
		if code == "" {
			t.Fatal("no release code went to the bound number")
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		takenRefusal := e.Call("POST", "/api/v1/phone-releases", map[string]any{"phone": old.Phone, "code": wrong}).
			ExpectProblem(t, 422, "OTP_INVALID")
		if takenRefusal.Detail != freeRefusal.Detail || takenRefusal.Type != freeRefusal.Type {
			t.Fatalf("the refusals differ: %+v / %+v", takenRefusal, freeRefusal)
		}
		var rel releaseAnswer
		e.Call("POST", "/api/v1/phone-releases", map[string]any{"phone": old.Phone, "code": code}).Expect(t, 201).JSON(t, &rel)
		if rel.Status != "waiting" || rel.Token == "" || rel.DueAt.Sub(e.Clock.Now()) != 7*24*time.Hour {
			t.Fatalf("release %+v", rel)
		}
		if !slices.Contains(templatesTo(t, e, old.Email), "phone_release_requested") {
			t.Fatalf("the older holder was not told: %v", templatesTo(t, e, old.Email))
		}
		// The older holder sees it signed in; the number is still bound meanwhile.
		var mine struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.Call("GET", "/api/v1/me/phone-releases", nil, old.Header()...).Expect(t, 200).JSON(t, &mine)
		if len(mine.Items) != 1 {
			t.Fatalf("waiting releases %+v", mine)
		}
		if e.RegistrationCode(old.Phone) != "" {
			t.Fatal("a registration code went to a number still bound")
		}

		// The period ends with no objection: the number is unbound, the older wallet stays.
		e.Clock.Advance(7*24*time.Hour + time.Minute)
		runTask(t, e, "phone_release.due")
		var st releaseAnswer
		e.Call("POST", "/api/v1/phone-releases/status", map[string]any{"token": rel.Token}).Expect(t, 200).JSON(t, &st)
		if st.Status != "released" {
			t.Fatalf("status %+v", st)
		}
		if !slices.Contains(templatesTo(t, e, old.Phone), "phone_release_done") ||
			!slices.Contains(templatesTo(t, e, old.Email), "phone_released") {
			t.Fatalf("not told: phone %v, e-mail %v", templatesTo(t, e, old.Phone), templatesTo(t, e, old.Email))
		}
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": old.Phone, "password": old.Password}).Expect(t, 401)
		var byEmail struct {
			Token string `json:"token"`
		}
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": old.Email, "password": old.Password}).Expect(t, 201).JSON(t, &byEmail)
		oldH := apitest.Auth(byEmail.Token)
		// A code for the bound phone has nowhere to go now; a recovery says nothing and sends nothing.
		ct.Blocker(t, e, old.ID, purse.CodeEnvCertificateMissing)
		e.Call("POST", "/api/v1/security/certificate/code", nil, oldH...).ExpectProblem(t, 409, "PHONE_NOT_BOUND")
		e.Call("POST", "/api/v1/business/password-recovery", map[string]any{"login": old.Email}).Expect(t, 202)
		if got := templatesTo(t, e, ""); len(got) != 0 {
			t.Fatalf("messages to no number: %v", got)
		}
		// The older wallet binds another phone it holds.
		other := apitest.NextPhone()
		var f struct {
			ID string `json:"id"`
		}
		e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": other}, oldH...).Expect(t, 201).JSON(t, &f)
		e.Call("POST", "/api/v1/business/"+f.ID+"/confirm", map[string]any{"code": e.LastSMSCode(other, "phone_change")}, oldH...).Expect(t, 200)
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": other, "password": old.Password}).Expect(t, 201)
		if acts := auditActions(t, e, old.ID); !slices.Contains(acts, "phone_release.requested") || !slices.Contains(acts, "phone_release.released") {
			t.Fatalf("audit %v", acts)
		}
		// The new holder registers with the number.
		e.Register(map[string]any{"phone": old.Phone, "password": "another horse", "payment_password": "246801"}).Expect(t, 201)
		e.Call("POST", "/api/v1/phone-releases/status", map[string]any{"token": "prl_nothing"}).ExpectProblem(t, 404, "NOT_FOUND")
	})
}

// TestHolderObjectsToTheRelease (AP-9): the older holder still has the number (a SIM swap, say):
// objecting ends the release, the number stays bound after the period, and the phone is told.
func TestHolderObjectsToTheRelease(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		old := e.SignUp("")
		var rel releaseAnswer
		e.Call("POST", "/api/v1/phone-releases", map[string]any{"phone": old.Phone, "code": releaseCode(t, e, old.Phone)}).
			Expect(t, 201).JSON(t, &rel)
		var mine struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.Call("GET", "/api/v1/me/phone-releases", nil, old.Header()...).Expect(t, 200).JSON(t, &mine)
		other := e.SignUp("")
		e.Call("POST", "/api/v1/me/phone-releases/"+mine.Items[0].ID+"/objection", nil, other.Header()...).ExpectProblem(t, 404, "NOT_FOUND")
		e.Call("POST", "/api/v1/me/phone-releases/"+mine.Items[0].ID+"/objection", nil, old.Header()...).Expect(t, 204)
		e.Clock.Advance(8 * 24 * time.Hour)
		runTask(t, e, "phone_release.due")
		var st releaseAnswer
		e.Call("POST", "/api/v1/phone-releases/status", map[string]any{"token": rel.Token}).Expect(t, 200).JSON(t, &st)
		if st.Status != "objected" || !slices.Contains(templatesTo(t, e, old.Phone), "phone_release_objected") {
			t.Fatalf("status %+v, phone told %v", st, templatesTo(t, e, old.Phone))
		}
		e.Call("POST", "/api/v1/sessions", map[string]any{"login": old.Phone, "password": old.Password}).Expect(t, 201)
	})
}

// TestRealNameAppeal (AP-9): a user whose real-name certification collides with an older wallet
// appeals with a reason; support's queue lists it; an agent may read but not decide; a reviewer
// decides with a reason, which the user reads and is told; an approval certifies the wallet; the
// decision is audited and final.
func TestRealNameAppeal(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		u := e.SignUp("appellant@example.com")
		e.Call("POST", "/api/v1/appeals", map[string]any{"reason": "  "}, u.Header()...).ExpectProblem(t, 422, "INVALID_REQUEST")
		var a struct {
			ID             string `json:"id"`
			Status         string `json:"status"`
			DecisionReason string `json:"decision_reason"`
		}
		e.Call("POST", "/api/v1/appeals", map[string]any{"reason": "我的身份证被旧账户实名，旧账户不是我注册的"}, u.Header()...).
			Expect(t, 201).JSON(t, &a)
		if a.Status != "pending" {
			t.Fatalf("appeal %+v", a)
		}
		e.Call("POST", "/api/v1/appeals", map[string]any{"reason": "again"}, u.Header()...).ExpectProblem(t, 409, "APPEAL_PENDING")

		agent := apitest.Auth(e.Operator("agent"))
		var queue struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.Call("GET", "/api/v1/admin/appeals", nil, agent...).Expect(t, 200).JSON(t, &queue)
		if !slices.ContainsFunc(queue.Items, func(x struct {
			ID string `json:"id"`
		}) bool {
			return x.ID == a.ID
		}) {
			t.Fatalf("queue %+v", queue)
		}
		path := "/api/v1/admin/appeals/" + a.ID + "/decision"
		e.Call("POST", path, map[string]any{"approve": true, "reason": "ok"}, agent...).ExpectProblem(t, 403, "ROLE_REQUIRED")
		reviewer := apitest.Auth(e.Operator("reviewer"))
		e.Call("POST", path, map[string]any{"approve": true, "reason": ""}, reviewer...).Expect(t, 422)
		e.Call("POST", path, map[string]any{"approve": true, "reason": "已核验身份证原件，实名归属本账户"}, reviewer...).Expect(t, 200)
		e.Call("POST", path, map[string]any{"approve": false, "reason": "again"}, reviewer...).ExpectProblem(t, 409, "APPEAL_DECIDED")

		var mine struct {
			Items []struct {
				Status         string `json:"status"`
				DecisionReason string `json:"decision_reason"`
			} `json:"items"`
		}
		e.Call("GET", "/api/v1/appeals", nil, u.Header()...).Expect(t, 200).JSON(t, &mine)
		if len(mine.Items) != 1 || mine.Items[0].Status != "approved" || mine.Items[0].DecisionReason == "" {
			t.Fatalf("mine %+v", mine)
		}
		var me struct {
			Kind string `json:"kind"`
		}
		e.Call("GET", "/api/v1/me", nil, u.Header()...).Expect(t, 200).JSON(t, &me)
		if me.Kind != "verified" {
			t.Fatalf("kind %s", me.Kind)
		}
		if !slices.Contains(templatesTo(t, e, u.Email), "appeal_decided") {
			t.Fatalf("not told: %v", templatesTo(t, e, u.Email))
		}
		if acts := auditActions(t, e, u.ID); !slices.Contains(acts, "appeal.filed") || !slices.Contains(acts, "admin.appeal.decide") {
			t.Fatalf("audit %v", acts)
		}
		e.Call("GET", "/api/v1/admin/appeals", nil, agent...).Expect(t, 200).JSON(t, &queue)
		if len(queue.Items) != 0 {
			t.Fatalf("decided appeal still queued: %+v", queue)
		}
	})
}
