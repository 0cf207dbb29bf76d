package apitest

import (
	"context"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/jobs"
)

// RegistrationCode starts a registration for phone through the API and returns the code the SMS
// carried (registration by SMS code, issue 14); "" when no code was sent (a taken phone).
func (e *Env) RegistrationCode(phone string) string {
	e.T.Helper()
	e.Call("POST", "/api/v1/registrations", map[string]any{"phone": phone}).Expect(e.T, 202)
	code := e.LastSMSCode(phone, "registration_code")
	e.Deliver() // the phone receives the SMS before its code is typed in, as it would in life
	return code
}

// LastSMSCode returns the code of the newest message of template to a recipient, "" when the
// newest message to it is of another template or there is none.
func (e *Env) LastSMSCode(to, template string) string {
	e.T.Helper()
	var msgs []*purse.Message
	err := e.DB.Read(context.Background(), func(tx purse.Tx) (err error) {
		msgs, err = tx.MessagesTo(context.Background(), to, 1)
		return err
	})
	if err != nil {
		e.T.Fatal(err)
	}
	if len(msgs) == 0 || msgs[0].Template != template {
		return ""
	}
	return msgs[0].Data["Code"]
}

// Register registers through the API as a client does: the code, then the account with it.
// body holds the account's fields (phone, password, payment_password, …); the answer is
// POST /api/v1/accounts's.
func (e *Env) Register(body map[string]any) *Response {
	e.T.Helper()
	phone, _ := body["phone"].(string)
	with := make(map[string]any, len(body)+1)
	for k, v := range body {
		with[k] = v
	}
	with["code"] = e.RegistrationCode(phone)
	return e.Call("POST", "/api/v1/accounts", with)
}

// Deliver runs the outbox delivery job once: every pending message goes to its sender (the dev
// outbox in tests).
func (e *Env) Deliver() {
	for _, t := range e.App.Jobs {
		if t.Name == "outbox" {
			jobs.RunOnce(context.Background(), t, nil)
		}
	}
}
