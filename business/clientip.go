package business

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/purse-wallet/purse"
)

// DailyRecoveriesPerIP caps the password recoveries one client address may start a day. Recovery
// is the one code-sending route open to callers who are not signed in, so neither the account's
// nor the phone's cap stops a caller who cycles through many logins (SMS pumping, DESIGN.md §7).
const DailyRecoveriesPerIP = 20

// LimitClientIP counts one unauthenticated code-sending call of the route from the client address
// ip, in the database so that the cap holds across instances. An IPv6 address counts by its /64,
// which one client usually holds whole. The counter key is a keyed hash, so the table stores no
// addresses. Errors: RATE_LIMITED (with RetryAfter until the day ends).
func (s *Service) LimitClientIP(ctx context.Context, route, ip string) error {
	return s.Store.Tx(ctx, func(tx purse.Tx) error {
		now := tx.Now()
		day := now.Truncate(24 * time.Hour)
		n, err := tx.Hit(ctx, "client-ip:"+route+":"+s.Vault.Lookup("client-ip", clientNet(ip)), day)
		if err != nil {
			return fmt.Errorf("count client address: %w", err)
		}
		if n > DailyRecoveriesPerIP {
			return &purse.Error{Code: purse.CodeRateLimited, Detail: "daily limit of the client address",
				RetryAfter: day.Add(24 * time.Hour).Sub(now)}
		}
		return nil
	})
}

// clientNet is the address, or its /64 for IPv6; an unparsable value counts as itself.
func clientNet(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ip
	}
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
