package web_test

import (
	"context"
	"net/url"
	"regexp"
	"testing"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/apitest"
)

var appealIDRe = regexp.MustCompile(`data-id="([0-9a-f-]{36})"`)

// TestRebindInsteadOfClosing (AP-9, issue 18): "换绑即可" led to an FAQ answer. The pages now do it:
// the new holder of a recycled number asks for a code and proves it, signed out; the older holder
// sees the release on the security page and objects; the requester reads the outcome. A real-name
// collision is appealed with a reason and decided in the console's queue by a reviewer (an agent
// reads only); the user reads the decision. Every place the user meets the problem links there.
func TestRebindInsteadOfClosing(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		holder := newClient(t, e)
		phone := holder.registerUser("冯十二")

		for page, link := range map[string]string{"/help": `href="/phone-release"`, "/register": `href="/phone-release"`,
			"/service": `href="/help/real-name"`, "/settings": `href="/phone-release"`, "/closure": `id="closure-phone-release"`} {
			c := holder
			if page == "/register" {
				c = newClient(t, e)
			}
			c.get(page).expect(t, 200, link)
		}

		stranger := newClient(t, e)
		stranger.get("/phone-release").expect(t, 200, `id="send-code"`)
		stranger.post("/phone-release", "/phone-release/code", url.Values{"phone": {phone}}).expect(t, 200, `id="code-sent"`)
		code := e.LastSMSCode(phone, "phone_release_code")
		stranger.post("/phone-release", "/phone-release", url.Values{"phone": {phone}, "code": {"99999x"}}).expect(t, 422)
		stranger.post("/phone-release", "/phone-release", url.Values{"phone": {phone}, "code": {code}}).
			expect(t, 200, `id="release-status"`, "解除绑定")

		p := holder.get("/settings/security").expect(t, 200, `id="phone-releases"`)
		id := regexp.MustCompile(`/settings/security/phone-release/([0-9a-f-]{36})/object`).FindStringSubmatch(p.Body)[1]
		holder.post("/settings/security", "/settings/security/phone-release/"+id+"/object", url.Values{}).
			expect(t, 200, `id="done"`, "异议")
		stranger.get("/phone-release").expect(t, 200, "提出了异议")

		// Real-name appeal, decided in the console.
		holder.get("/help/real-name").expect(t, 200, `id="appeal-submit"`)
		holder.post("/help/real-name", "/help/real-name", url.Values{"reason": {"旧账户不是我注册的，我可以提供身份证原件"}}).
			expect(t, 200, `id="filed"`, `id="appeal-pending"`)
		newOperator(t, e, "agent9", purse.RoleAgent)
		newOperator(t, e, "rev9", purse.RoleReviewer)
		agent := newClient(t, e)
		consoleSignIn(t, agent, "agent9")
		if p := agent.get("/admin/appeals").expect(t, 200, "旧账户不是我注册的"); regexp.MustCompile(`id="approve-`).MatchString(p.Body) {
			t.Fatal("an agent is offered to decide")
		}
		rev := newClient(t, e)
		consoleSignIn(t, rev, "rev9")
		q := rev.get("/admin/appeals").expect(t, 200, `id="approve-`)
		aid := appealIDRe.FindStringSubmatch(q.Body)[1]
		rev.post("/admin/appeals", "/admin/appeals/"+aid+"/decision", url.Values{"decision": {"approve"}, "reason": {"已核验身份证原件"}}).
			expect(t, 200, `id="decided"`, `id="appeals"`)
		holder.get("/help/real-name").expect(t, 200, `data-status="approved"`, "已核验身份证原件")

		// In English too.
		en := newClient(t, e)
		en.lang = "en"
		en.get("/phone-release").expect(t, 200, "Phone number taken", "Ask to release the number")
	})
}

// TestChangeBoundPhone (AP-9, AP-8.7): the settings page changes the bound phone with a code to
// the new number; a wrong code is told next to the field; the old number is told once it is done.
func TestChangeBoundPhone(t *testing.T) {
	t.Parallel()
	apitest.Each(t, func(t *testing.T, e *apitest.Env) {
		t.Parallel()
		c := newClient(t, e)
		old := c.registerUser("褚十三")
		c.get("/settings").expect(t, 200, `href="/settings/phone"`)
		c.get("/settings/phone").expect(t, 200, old[:3]+"****"+old[7:])
		next := apitest.NextPhone()
		p := c.post("/settings/phone", "/settings/phone/code", url.Values{"new_phone": {next}}).expect(t, 200, `id="code-sent"`)
		flow := flowRe.FindStringSubmatch(p.Body)[1]
		at := "/settings/phone?flow=" + flow
		code := e.LastSMSCode(next, "phone_change")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		c.post(at, "/settings/phone", url.Values{"flow": {flow}, "code": {wrong}}).expect(t, 422, `id="e-code"`)
		c.post(at, "/settings/phone", url.Values{"flow": {flow}, "code": {code}}).expect(t, 200, `id="done"`, next[:3]+"****"+next[7:])
		var msgs []*purse.Message
		if err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
			msgs, err = tx.MessagesTo(context.Background(), old, 1)
			return err
		}); err != nil || len(msgs) == 0 || msgs[0].Template != "phone_changed" {
			t.Fatalf("the old number was not told: %v %v", err, msgs)
		}
	})
}
