package closure

import (
	"context"
	"errors"
	"net/url"
	"time"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/certificate"
	"github.com/purse-wallet/purse/i18n"
	"github.com/purse-wallet/purse/jobs"
	"github.com/purse-wallet/purse/lifecycle"
	"github.com/purse-wallet/purse/secret"
)

// DefaultDocumentLinkTTL is how long a documents link works when --document-link-ttl is not set:
// long enough that the link in the closure notice still opens the erasure receipt after the
// default 30-day personal-data period, and the one in the erasure notice for three months more.
const DefaultDocumentLinkTTL = 90 * 24 * time.Hour

// DocumentsPath is where a documents link points: DocumentsPath + token.
const DocumentsPath = "/closure/documents/"

// Documents are a closed request's signed documents, as its link opens them (issue 16).
type Documents struct {
	Request     *purse.ClosureRequest
	Certificate []byte // the closure certificate (compact JWS)
	Receipt     []byte // the erasure receipt; nil until the personal-data purge ran
	ExpiresAt   time.Time
	Language    string // the account's language, for a reader who asked for none
}

func (s *Service) linkTTL() time.Duration {
	if s.DocumentLinkTTL > 0 {
		return s.DocumentLinkTTL
	}
	return DefaultDocumentLinkTTL
}

// documentLink stores a new link to the request's documents and returns its URL (on BaseURL, in
// the reader's language) and its end, as the notice shows them.
func (s *Service) documentLink(ctx context.Context, tx purse.Tx, closureID, lang string) (link string, until time.Time, err error) {
	token := secret.NewToken("pcd_")
	now := tx.Now()
	until = now.Add(s.linkTTL())
	if err := tx.InsertDocumentLink(ctx, &purse.DocumentLink{TokenHash: secret.HashToken(token), ClosureID: closureID,
		CreatedAt: now, ExpiresAt: until}); err != nil {
		return "", time.Time{}, err
	}
	if lang != i18n.English {
		lang = i18n.Chinese
	}
	return s.BaseURL + DocumentsPath + token + "?lang=" + url.QueryEscape(lang), until, nil
}

// lastClosed maps each account to its latest closed request (accounts closed by other means have
// none), read in one statement for the purge's batch.
func lastClosed(ctx context.Context, tx purse.Tx, accountIDs []string) (map[string]*purse.ClosureRequest, error) {
	list, err := tx.ClosedClosures(ctx, accountIDs)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*purse.ClosureRequest, len(list))
	for _, c := range list { // oldest first: the latest wins
		out[c.AccountID] = c
	}
	return out, nil
}

// ErasureLinks is the purge's hook for its data_erased notices: for each account (id → language)
// with a closed request, a new documents link to it, where the erasure receipt appears once the
// erasure ran. Accounts without a closed request, or every account when no certificate is issued
// (no signer), get none. One read and one insert for the whole batch.
func (s *Service) ErasureLinks(ctx context.Context, tx purse.Tx, langs map[string]string) (map[string]lifecycle.Link, error) {
	if s.Signer == nil || len(langs) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(langs))
	for id := range langs {
		ids = append(ids, id)
	}
	closed, err := lastClosed(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	now := tx.Now()
	until := now.Add(s.linkTTL())
	out := make(map[string]lifecycle.Link, len(closed))
	links := make([]*purse.DocumentLink, 0, len(closed))
	for id, c := range closed {
		token := secret.NewToken("pcd_")
		lang := langs[id]
		if lang != i18n.English {
			lang = i18n.Chinese
		}
		links = append(links, &purse.DocumentLink{TokenHash: secret.HashToken(token), ClosureID: c.ID, CreatedAt: now, ExpiresAt: until})
		out[id] = lifecycle.Link{URL: s.BaseURL + DocumentsPath + token + "?lang=" + url.QueryEscape(lang), Until: s.Catalog.FormatTime(lang, until)}
	}
	if err := tx.InsertDocumentLinks(ctx, links); err != nil {
		return nil, err
	}
	return out, nil
}

// IssueReceipts is the purge's hook after an erasure batch: in the erasing transaction, it signs
// the erasure receipt of each account's closed request (what was erased and when, what is kept and
// until when, under the retention settings the purge runs with) and stores them, so that a receipt
// exists if and only if its erasure committed. Accounts without a closed request get none; an
// erasure done again after a crash keeps the first receipt. One read and one insert per batch.
func (s *Service) IssueReceipts(ctx context.Context, tx purse.Tx, accountIDs []string) error {
	if s.Signer == nil || len(accountIDs) == 0 {
		return nil
	}
	closed, err := lastClosed(ctx, tx, accountIDs)
	if err != nil {
		return err
	}
	now := tx.Now()
	rs := make([]*purse.ErasureReceipt, 0, len(closed))
	for id, c := range closed {
		raw, err := s.Signer.Sign(s.Signer.Erasure(certificate.ErasureFacts{AccountID: id, ClosureID: c.ID,
			Policy: c.Policy, RequestedAt: c.CreatedAt, ClosedAt: c.ClosedAt, ErasedAt: now}))
		if err != nil {
			return err
		}
		rs = append(rs, &purse.ErasureReceipt{ClosureID: c.ID, AccountID: id, Receipt: raw, IssuedAt: now})
	}
	return tx.InsertErasureReceipts(ctx, rs)
}

// OpenDocuments returns the documents a link opens. It needs no session: the link is the proof.
// Errors: LINK_INVALID (malformed, unknown or expired).
func (s *Service) OpenDocuments(ctx context.Context, token string) (*Documents, error) {
	if len(token) < 10 || len(token) > 100 {
		return nil, purse.Errorf(purse.CodeLinkInvalid, "malformed token")
	}
	var d Documents
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		l, err := tx.DocumentLink(ctx, secret.HashToken(token))
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeLinkInvalid, "unknown link")
		}
		if err != nil {
			return err
		}
		if !tx.Now().Before(l.ExpiresAt) {
			return purse.Errorf(purse.CodeLinkInvalid, "expired link")
		}
		d.ExpiresAt = l.ExpiresAt
		if d.Request, err = tx.Closure(ctx, l.ClosureID, ""); err != nil {
			return err
		}
		d.Certificate = d.Request.Certificate
		if a, err := tx.Account(ctx, d.Request.AccountID); err == nil {
			d.Language = a.Language
		}
		r, err := tx.ErasureReceipt(ctx, l.ClosureID)
		switch {
		case err == nil:
			d.Receipt = r.Receipt
		case !errors.Is(err, purse.ErrNotFound):
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// LinksTask deletes the documents links whose time ended, daily: a dead link opens nothing
// anyway (OpenDocuments checks the end), and the table should not grow for ever.
func (s *Service) LinksTask() jobs.Task {
	return jobs.Task{Name: "closure.document_links", Every: 24 * time.Hour, Run: func(ctx context.Context) (int, error) {
		n := 0
		err := s.Store.Tx(ctx, func(tx purse.Tx) error {
			var err error
			n, err = tx.PurgeDocumentLinks(ctx, tx.Now())
			return err
		})
		return n, err
	}}
}

// Receipt returns a request's erasure receipt for support. Errors: NOT_FOUND (no such request, or
// the purge has not erased its account yet).
func (s *Service) Receipt(ctx context.Context, closureID string) ([]byte, error) {
	var raw []byte
	err := s.Store.Read(ctx, func(tx purse.Tx) error {
		r, err := tx.ErasureReceipt(ctx, closureID)
		if errors.Is(err, purse.ErrNotFound) {
			return purse.Errorf(purse.CodeNotFound, "no erasure receipt for %s yet", closureID)
		}
		if err != nil {
			return err
		}
		raw = r.Receipt
		return nil
	})
	return raw, err
}
