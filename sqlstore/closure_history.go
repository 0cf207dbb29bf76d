package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/purse-wallet/purse"
)

// closureHistoryColumn is a request's stored history as one JSON column of the request's own
// statement: [[at, from, to, actor, note], …] in the order it was written, NULL for none. A user
// step that shows its page read it in a statement of its own, four of a flow's 65 on PostgreSQL
// (issue 19, session 16). The two engines name their JSON functions apart; both take ORDER BY in
// the aggregate (SQLite from 3.44).
func closureHistoryColumn(postgres bool) string {
	agg, array := "json_group_array", "json_array"
	if postgres {
		agg, array = "json_agg", "json_build_array"
	}
	return `(SELECT ` + agg + `(` + array + `(e.at, e.from_state, e.to_state, e.actor, e.note) ORDER BY e.id)
		FROM closure_events e WHERE e.closure_id = c.id)`
}

// selectClosureAccountHistory is selectClosureAccount with the history column after the
// account's, indexed [postgres][lockAccount].
var selectClosureAccountHistory = func() (q [2][2]string) {
	for i, postgres := range []bool{false, true} {
		base := `SELECT ` + closureAccountColumns + `, ` + closureHistoryColumn(postgres) + closureAccountWhere
		q[i][0], q[i][1] = base+` FOR UPDATE OF c`, base+` FOR UPDATE OF c, a`
	}
	return q
}()

func (t *tx) ClosureHistoryAndAccountForUpdate(ctx context.Context, id, accountID string, lockAccount bool) (*purse.ClosureRequest, *purse.AccountRecord, []*purse.ClosureEvent, error) {
	lock, postgres := 0, 0
	if lockAccount {
		lock = 1
	}
	if t.db.dialect.Name == "postgres" {
		postgres = 1
	}
	var history *string
	c, a, err := t.closureAndAccount(ctx, selectClosureAccountHistory[postgres][lock], id, accountID, &history)
	if err != nil || history == nil {
		return c, a, nil, err
	}
	events, err := parseClosureHistory(c.ID, *history)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("storage: closure history of %s: %w", c.ID, err)
	}
	return c, a, events, nil
}

// parseClosureHistory reads closureHistoryColumn's JSON.
func parseClosureHistory(closureID, s string) ([]*purse.ClosureEvent, error) {
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	var rows [][5]any
	if err := d.Decode(&rows); err != nil {
		return nil, err
	}
	out := make([]*purse.ClosureEvent, 0, len(rows))
	for _, r := range rows {
		n, ok := r[0].(json.Number)
		from, ok1 := r[1].(string)
		to, ok2 := r[2].(string)
		actor, ok3 := r[3].(string)
		note, ok4 := r[4].(string)
		if !ok || !ok1 || !ok2 || !ok3 || !ok4 {
			return nil, fmt.Errorf("malformed event %v", r)
		}
		at, err := n.Int64()
		if err != nil {
			return nil, fmt.Errorf("malformed time %q", n)
		}
		out = append(out, &purse.ClosureEvent{ClosureID: closureID, At: tm(at), From: purse.ClosureState(from),
			To: purse.ClosureState(to), Actor: actor, Note: note})
	}
	return out, nil
}
