package closure

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/notify"
	"github.com/purse-wallet/purse/verify"
)

// Answers are the verification details a user fills in (AP-5, AP-6); empty ones are not tried.
type Answers struct {
	PaymentPassword string
	SMSCode         string
	EmailCode       string
	CaptchaID       string
	CaptchaAnswer   string
}

// CodeSent says where a code went, masked, and when another may be asked for.
type CodeSent struct {
	Channel   purse.Channel `json:"channel"`
	To        string        `json:"to"`
	ExpiresAt time.Time     `json:"expires_at"`
	ResendAt  time.Time     `json:"resend_at"`
}

func purpose(c *purse.ClosureRequest) string { return "closure:" + c.ID }

// SendCode sends a one-time code by SMS to the account's phone or by e-mail to its address.
// Errors: FACTOR_NOT_REQUIRED (the policy asks no such code of this account), OTP_RATE_LIMITED
// (Retry-After), CLOSURE_STATE_CONFLICT, NOT_FOUND.
func (s *Service) SendCode(ctx context.Context, accountID, id string, ch purse.Channel) (*CodeSent, error) {
	var sent *CodeSent
	_, err := s.run(ctx, accountID, id, accountRead, false, func(ctx context.Context, st *step) error {
		c, p, tx := st.req, st.policy, st.tx
		if err := st.in(purse.ClosureVerification); err != nil {
			return err
		}
		rec, err := st.account(ctx)
		if err != nil {
			return err
		}
		factor := FactorSMSCode
		if ch == purse.ChannelEmail {
			factor = FactorEmailCode
		}
		if !slices.Contains(p.Factors(rec.Kind, rec.EmailHash != ""), factor) {
			return &purse.Error{Code: purse.CodeFactorNotRequired, Params: map[string]any{"Factor": factor}}
		}
		a, err := s.Accounts.Open(ctx, tx, rec)
		if err != nil {
			return err
		}
		to, shown := a.Phone, account.MaskPhone(a.Phone)
		if ch == purse.ChannelEmail {
			to, shown = a.Email, maskEmail(a.Email)
		}
		code, err := s.OTP.Issue(ctx, tx, accountID, purpose(c), ch, to)
		if err != nil {
			return err
		}
		if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: accountID, Channel: ch, To: to,
			Template: "closure_otp", Language: a.Language,
			Data:    map[string]string{"Code": code, "Minutes": strconv.Itoa(int(verify.CodeTTL / time.Minute))},
			Expires: tx.Now().Add(verify.CodeTTL)}); err != nil {
			return err
		}
		st.audit.Record(actorOf(accountID), "closure.code_sent", accountID, map[string]string{"closure": c.ID, "channel": string(ch)})
		now := tx.Now()
		sent = &CodeSent{Channel: ch, To: shown, ExpiresAt: now.Add(verify.CodeTTL), ResendAt: now.Add(verify.ResendAfter)}
		return st.save(ctx)
	})
	return sent, err
}

func maskEmail(e string) string {
	at := strings.IndexByte(e, '@')
	if at < 1 {
		return "***"
	}
	return e[:1] + "***" + e[at:]
}

// Verify checks the answers given and records each factor passed on this request. When every
// factor but the e-mail link has passed, the link is sent (email_confirmation) or the request is
// ready for submit (review). A failed factor is recorded and its error returned after commit, so a
// spent code try or a payment-password failure counts. Errors: PAYMENT_PASSWORD_WRONG,
// PAYMENT_PASSWORD_LOCKED, OTP_INVALID, OTP_EXPIRED, CAPTCHA_INVALID, CLOSURE_STATE_CONFLICT,
// NOT_FOUND.
//
// The payment password is compared inside the step with its keyed hash (issue 19): a read of the
// request and the account before the step, to hash outside it, cost two statements (four on
// SQLite) on every verification. Only an account whose verifier is still an argon2id one pays
// that: the step answers account.ErrSlowPaymentPassword before writing anything, and runs again
// with the comparison made outside (provePaymentPassword).
func (s *Service) Verify(ctx context.Context, accountID, id string, ans Answers) (*Flow, error) {
	var proof *account.PaymentPasswordProof
	if ans.PaymentPassword != "" {
		proof = s.Accounts.NewPaymentPasswordProof(accountID, ans.PaymentPassword)
	}
	f, err := s.verify(ctx, accountID, id, ans, proof)
	if !errors.Is(err, account.ErrSlowPaymentPassword) {
		return f, err
	}
	if proof, err = s.provePaymentPassword(ctx, accountID, id, ans.PaymentPassword); err != nil {
		return nil, err
	}
	return s.verify(ctx, accountID, id, ans, proof)
}

// verify is Verify's step, with the payment password's proof to count (nil: compared inside).
func (s *Service) verify(ctx context.Context, accountID, id string, ans Answers, proof *account.PaymentPasswordProof) (*Flow, error) {
	need := accountRead
	if proof != nil {
		need = accountLocked // see read below
	}
	return s.userStep(ctx, accountID, id, need, func(ctx context.Context, st *step) error {
		c, p, tx := st.req, st.policy, st.tx
		// A captcha presented is used up by the first verification that presents it, passed or
		// failed (PW-2, issue 14): checked before any factor can fail and skip it, and its use
		// committed even when the step refuses.
		var captchaErr error
		if ans.CaptchaID != "" {
			captchaErr = s.Captchas.Check(ctx, tx, accountID, ans.CaptchaID, ans.CaptchaAnswer)
			if captchaErr != nil && purse.AsError(captchaErr) == nil {
				return captchaErr // a storage failure: roll everything back
			}
		}
		if err := st.in(purse.ClosureVerification); err != nil {
			if ans.CaptchaID != "" {
				return purse.FailAfterCommit(err)
			}
			return err
		}
		// With a proof to count, the account is read locked at once (its failure counters are
		// written under that lock), and that one read serves the factors too.
		read := st.account
		if proof != nil {
			read = st.lockAccount
		}
		rec, err := read(ctx)
		if err != nil {
			return err
		}
		required := p.Factors(rec.Kind, rec.EmailHash != "")
		var failure error
		tried := []string{}
		for _, f := range required {
			if slices.Contains(c.Factors, f) || failure != nil {
				continue
			}
			var err error
			switch {
			case f == FactorCaptcha && ans.CaptchaID != "":
				err = captchaErr
			case f == FactorPaymentPassword && ans.PaymentPassword != "":
				// The failure count's audit event joins the step's (see step.flush).
				if proof != nil {
					err = s.Accounts.CheckPaymentPasswordProofLocked(st.audit.Bind(ctx), tx, rec, proof)
				} else {
					err = s.Accounts.CheckPaymentPassword(st.audit.Bind(ctx), tx, accountID, ans.PaymentPassword)
				}
			case f == FactorSMSCode && ans.SMSCode != "":
				err = s.OTP.Check(ctx, tx, accountID, purpose(c), purse.ChannelSMS, ans.SMSCode)
			case f == FactorEmailCode && ans.EmailCode != "":
				err = s.OTP.Check(ctx, tx, accountID, purpose(c), purse.ChannelEmail, ans.EmailCode)
			default:
				continue
			}
			tried = append(tried, f)
			var kept *purse.CommittedError
			if errors.As(err, &kept) {
				err = kept.Err
			}
			if err != nil {
				if purse.AsError(err) == nil {
					return err // a storage failure: roll everything back
				}
				failure = err
				continue
			}
			c.Factors = append(c.Factors, f)
		}
		result := "passed"
		if failure != nil {
			result = string(purse.ErrorCode(failure))
		}
		st.audit.Record(actorOf(accountID), "closure.verification", accountID,
			map[string]string{"closure": c.ID, "tried": strings.Join(tried, ","), "result": result,
				"passed": strings.Join(c.Factors, ",")})
		if failure == nil {
			if err := s.advance(ctx, st, required); err != nil {
				return err
			}
		}
		if err := st.save(ctx); err != nil {
			return err
		}
		if failure != nil {
			return purse.FailAfterCommit(failure)
		}
		return nil
	})
}

// provePaymentPassword makes the argon2id comparison of a payment password the step will count,
// before its transaction: inside it, SQLite's one writer would wait for the hash and every other
// write with it, which kept the flows at under half the argon2id bound. The request and account
// are read in a read transaction to hash only when the step will count the result; nil when it
// will not (or cannot: the step answers why).
func (s *Service) provePaymentPassword(ctx context.Context, accountID, id, pin string) (*account.PaymentPasswordProof, error) {
	if pin == "" || !purse.ValidID(id) {
		return nil, nil
	}
	var rec *purse.AccountRecord
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		c, err := tx.Closure(ctx, id, accountID)
		if err != nil || c.State != purse.ClosureVerification || slices.Contains(c.Factors, FactorPaymentPassword) {
			return err
		}
		p, err := s.policyOf(c)
		if err != nil {
			return err
		}
		r, err := tx.Account(ctx, accountID)
		if err != nil {
			return err
		}
		if slices.Contains(p.Factors(r.Kind, r.EmailHash != ""), FactorPaymentPassword) {
			rec = r
		}
		return nil
	})
	if errors.Is(err, purse.ErrNotFound) || rec == nil {
		return nil, nil // the step answers NOT_FOUND or the state conflict
	}
	if err != nil {
		return nil, err
	}
	return s.Accounts.ProvePaymentPassword(ctx, rec, pin)
}

// advance moves a request whose factors (all but the link) have passed.
func (s *Service) advance(ctx context.Context, st *step, required []string) error {
	c, tx := st.req, st.tx
	for _, f := range required {
		if f != FactorEmailLink && !slices.Contains(c.Factors, f) {
			return nil
		}
	}
	if !slices.Contains(required, FactorEmailLink) {
		return st.move(purse.ClosureReview, actorOf(c.AccountID), "factors passed")
	}
	token, err := verify.IssueLink(ctx, tx, c.AccountID, purpose(c))
	if err != nil {
		return err
	}
	rec, err := st.account(ctx)
	if err != nil {
		return err
	}
	a, err := s.Accounts.Open(ctx, tx, rec)
	if err != nil {
		return err
	}
	if _, err := notify.Enqueue(ctx, tx, s.Catalog, notify.Notice{AccountID: a.ID, Channel: purse.ChannelEmail,
		To: a.Email, Template: "closure_link", Language: a.Language,
		Data:    map[string]string{"Link": s.BaseURL + "/closure/confirm?token=" + token, "Hours": "24"},
		Expires: tx.Now().Add(verify.LinkTTL)}); err != nil {
		return err
	}
	return st.move(purse.ClosureEmailConfirm, actorOf(c.AccountID), "factors passed, link sent")
}

// ConfirmLink completes the e-mail confirmation (IM-2): the link is single use, 24 hours, and
// names its account and request; with submit_on_link the review runs at once. It needs no session:
// the link is the proof. Errors: LINK_INVALID, CLOSURE_STATE_CONFLICT, CLOSURE_REVIEW_FAILED.
func (s *Service) ConfirmLink(ctx context.Context, token string) (*Flow, error) {
	var flow *Flow
	// In a transaction of its own (writeTx), outside the commit group, as before the step value.
	err := s.writeTx(ctx, func(ctx context.Context, st *step) error {
		l, err := verify.TakeLink(ctx, st.tx, token)
		if err != nil {
			return err
		}
		id, ok := strings.CutPrefix(l.Purpose, "closure:")
		if !ok {
			return purse.Errorf(purse.CodeLinkInvalid, "not a closure link")
		}
		if err := s.load(ctx, st, id, l.AccountID, accountLater, true); err != nil {
			return err
		}
		c := st.req
		if c.State != purse.ClosureEmailConfirm {
			return purse.FailAfterCommit(conflict(c))
		}
		c.Factors = append(c.Factors, FactorEmailLink)
		if err := st.move(purse.ClosureReview, actorOf(c.AccountID), "link clicked"); err != nil {
			return err
		}
		if err := st.save(ctx); err != nil {
			return err
		}
		if st.policy.SubmitOnLink {
			if err := s.review(ctx, st, actorOf(c.AccountID)); err != nil {
				return err
			}
		}
		flow, err = s.view(ctx, st)
		return err
	})
	return flow, err
}
