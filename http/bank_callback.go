package http

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
	"github.com/purse-wallet/purse/bank"
)

// registerBankCallback adds the route the bank calls to settle or fail a pending top-up or
// withdrawal (protocol: docs/deployment.md, "Bank gateway"). It takes no session: the HMAC
// signature over the timestamp and body is the authentication. A callback unsigned, badly
// signed, older than bank.Skew (a replay), for an unknown reference or for another amount is
// refused, recorded in the audit chain, and changes nothing.
func (s *Server) registerBankCallback() {
	type callbackInput struct {
		Timestamp string `header:"X-Purse-Timestamp" required:"false"`
		Signature string `header:"X-Purse-Signature" required:"false"`
		RawBody   []byte `contentType:"application/json"`
	}
	type callbackOutput struct {
		Body struct {
			Reference string         `json:"reference"`
			Status    purse.TxStatus `json:"status"`
		}
	}
	register(s, huma.Operation{
		OperationID: "bank-callback", Method: http.MethodPost, Path: "/api/v1/bank/callbacks",
		Summary: "The bank settles or fails a pending top-up or withdrawal (signed, TP-1, PW-5)",
		Tags:    []string{"Bank"}, Errors: []int{401, 404, 409, 422}, Security: bankSigned,
		// The body is read raw: its signature covers its exact bytes, and the bank validates it
		// against the schema of docs/deployment.md, not huma.
		SkipValidateBody: true,
	}, func(ctx context.Context, in *callbackInput) (*callbackOutput, error) {
		h := http.Header{}
		h.Set(bank.HeaderTimestamp, in.Timestamp)
		h.Set(bank.HeaderSignature, in.Signature)
		var cb bank.Callback
		if err := s.verifyBank(h, in.RawBody); err != nil {
			return nil, s.refuseCallback(ctx, cb, purse.CodeBankSignatureInvalid, err)
		}
		if err := json.Unmarshal(in.RawBody, &cb); err != nil {
			return nil, s.refuseCallback(ctx, cb, purse.CodeMalformedJSON, err)
		}
		t, err := s.Wallet.BankCallback(ctx, cb)
		if err != nil {
			if e := purse.AsError(err); e != nil {
				return nil, s.refuseCallback(ctx, cb, e.Code, err)
			}
			return nil, err
		}
		out := &callbackOutput{}
		out.Body.Reference, out.Body.Status = t.ID, t.Status
		return out, nil
	})
}

// verifyBank checks a callback's signature with the gateway's key; without a key (the sandbox)
// every callback is refused.
func (s *Server) verifyBank(h http.Header, body []byte) error {
	if len(s.Config.BankKey) == 0 {
		return errors.New("no bank key configured: callbacks are refused")
	}
	return bank.Verify(h, s.Config.BankKey, s.Clock.Now(), body)
}

// refuseCallback records a refused callback in the audit chain and returns the problem to answer.
func (s *Server) refuseCallback(ctx context.Context, cb bank.Callback, code purse.Code, cause error) error {
	data := map[string]string{"code": string(code), "reason": cause.Error()}
	if cb.Ref != "" {
		data["reference"] = cb.Ref
		data["status"] = string(cb.State)
	}
	if err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		return audit.Record(ctx, tx, "bank:callback", "bank.callback_refused", cb.Ref, data)
	}); err != nil {
		return err
	}
	if e := purse.AsError(cause); e != nil {
		return e
	}
	return &purse.Error{Code: code, Detail: cause.Error()}
}
