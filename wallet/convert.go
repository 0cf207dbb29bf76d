package wallet

import (
	"context"
	"strconv"

	"github.com/purse-wallet/purse"
	"github.com/purse-wallet/purse/ledger"
)

// Defaults of the points rate: 100 points are worth 1.00 CNY.
const (
	DefaultPointsUnit      = 100 // points converted per step
	DefaultPointsUnitValue = 100 // fen paid per step
)

// PointsValue returns what amount points are worth in fen at the configured rate. Errors:
// AMOUNT_INVALID for zero, negative or oversized amounts, POINTS_UNIT when amount is not a
// whole number of units.
func (s *Service) PointsValue(points int64) (int64, error) {
	if err := s.checkAmount(points); err != nil {
		return 0, err
	}
	unit, value := s.Config.PointsUnit, s.Config.PointsUnitValue
	if points%unit != 0 {
		return 0, &purse.Error{Code: purse.CodePointsUnit, Params: map[string]any{"Unit": strconv.FormatInt(unit, 10)},
			Detail: "points not a whole number of units"}
	}
	units := points / unit
	// The CNY side must stay within one movement's limit; checking by division cannot overflow.
	if units > s.Config.MaxAmount/value {
		return 0, s.checkAmount(s.Config.MaxAmount + 1)
	}
	return units * value, nil
}

// ConvertPoints turns amount of the account's points into CNY in its balance at the configured
// rate (PointsUnit points for PointsUnitValue fen), in one balanced transaction of the kind
// points_convert: the points go back to the points issuer, which pays the cash from its CNY book.
// The value stays in the account, so a restricted account (an open dispute) may convert, as it
// may move money between its own books. Errors: AMOUNT_INVALID, POINTS_UNIT, ACCOUNT_NOT_ACTIVE,
// INSUFFICIENT_FUNDS, BALANCE_LIMIT.
func (s *Service) ConvertPoints(ctx context.Context, accountID string, amount int64) (*purse.LedgerTransaction, error) {
	fen, err := s.PointsValue(amount)
	if err != nil {
		return nil, err
	}
	return s.post(ctx, func(tx purse.Tx) (*purse.LedgerTransaction, error) {
		held, err := ledger.Lock(ctx, tx, nil, accountID)
		if err != nil {
			return nil, err
		}
		// The row records the points the user gave; the cash they got is its CNY legs, and the
		// memo says it for the statement.
		t := record(tx, purse.TxPointsConvert, accountID, amount, purse.Points)
		t.Memo = cny(fen).String()
		return t, ledger.Post(ctx, tx, held, t, []purse.Posting{
			ledger.Leg(accountID, purse.BookPoints, purse.Points, -amount),
			ledger.Leg(purse.OwnerPointsIssuer, "", purse.Points, amount),
			ledger.Leg(purse.OwnerPointsIssuer, "", purse.CNY, -fen),
			ledger.Leg(accountID, purse.BookMain, purse.CNY, fen),
		})
	})
}
