package blocker

import (
	"context"
	"errors"
	"net/url"
	"regexp"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/audit"
)

var platformName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{1,31}$`)

// Link links an account on another platform to the wallet account (AP-4, IM-3). The link takes the
// platform's webhook as configured now, so a closure can tell the platform even if the setting
// changes later. Errors: NOT_FOUND, ACCOUNT_NOT_ACTIVE, INVALID_REQUEST, LINK_EXISTS.
func (s *Service) Link(ctx context.Context, accountID, platform, externalID string) (*purse.LinkedAccount, error) {
	if !platformName.MatchString(platform) {
		return nil, invalid("platform", "platform must be 2-32 of a-z 0-9 _ -")
	}
	externalID, err := text("external_id", externalID, 128)
	if err != nil {
		return nil, err
	}
	l := &purse.LinkedAccount{ID: purse.NewID(), AccountID: accountID, Platform: platform, ExternalID: externalID, Status: "linked"}
	err = s.change(ctx, AccountActor(accountID), accountID, "link.create", newBusiness, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		l.CreatedAt = tx.Now()
		if p, err := tx.Platform(ctx, platform); err == nil {
			l.WebhookURL = p.WebhookURL
		} else if !errors.Is(err, purse.ErrNotFound) {
			return nil, err
		}
		if err := tx.InsertLinkedAccount(ctx, l); errors.Is(err, purse.ErrDuplicate) {
			return nil, purse.Errorf(CodeLinkExists, "%s account already linked", platform)
		} else if err != nil {
			return nil, err
		}
		return map[string]string{"link_id": l.ID, "platform": platform}, nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// Links lists the account's linked accounts, newest first. NOT_FOUND for no such account.
func (s *Service) Links(ctx context.Context, accountID string) ([]*purse.LinkedAccount, error) {
	var out []*purse.LinkedAccount
	err := s.read(ctx, accountID, func(tx purse.Tx) (err error) {
		out, err = tx.LinkedAccounts(ctx, accountID)
		return err
	})
	return out, err
}

// Unlink ends a link (IM-3's advice, and the remedy of the blocker). An unlinked account answers
// again unchanged. Errors: NOT_FOUND.
func (s *Service) Unlink(ctx context.Context, accountID, id string) (*purse.LinkedAccount, error) {
	var l *purse.LinkedAccount
	err := s.change(ctx, AccountActor(accountID), accountID, "link.end", anyStatus, func(tx purse.Tx, _ *purse.AccountRecord) (map[string]string, error) {
		var err error
		if l, err = tx.LinkedAccount(ctx, accountID, id); err != nil {
			return nil, item(err, "linked account", id)
		}
		if l.Status != "linked" {
			return nil, nil
		}
		if err := tx.EndLinkedAccount(ctx, accountID, id, tx.Now()); err != nil {
			return nil, err
		}
		l.Status, l.EndedAt = "unlinked", tx.Now()
		return map[string]string{"link_id": id, "platform": l.Platform}, nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}

// SetPlatform sets the webhook a platform hears closures on ("" for none). It applies to links
// made from now on. Errors: INVALID_REQUEST (name, or a URL that is not absolute http(s)).
func (s *Service) SetPlatform(ctx context.Context, actor, name, webhook string) (*purse.Platform, error) {
	if !platformName.MatchString(name) {
		return nil, invalid("name", "platform must be 2-32 of a-z 0-9 _ -")
	}
	if webhook != "" {
		u, err := url.Parse(webhook)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(webhook) > 500 {
			return nil, invalid("webhook_url", "webhook_url must be an absolute http or https URL")
		}
	}
	p := &purse.Platform{Name: name, WebhookURL: webhook}
	err := s.Store.Tx(ctx, func(tx purse.Tx) error {
		p.UpdatedAt = tx.Now()
		if err := tx.SetPlatform(ctx, p); err != nil {
			return err
		}
		// The URL is configuration, not a secret; the audit keeps it so a changed hook is traceable.
		return audit.Record(ctx, tx, actor, audit.AdminPlatformSet, "", map[string]string{"platform": name, "webhook_url": webhook})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}
