package lifecycle_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/purse-wallet/purse"
	accountpkg "github.com/purse-wallet/purse/account"
	"github.com/purse-wallet/purse/apitest"
	"github.com/purse-wallet/purse/clock"
	"github.com/purse-wallet/purse/sqlstore/postgres"
	"github.com/purse-wallet/purse/storetest"
)

// The attacker tests of issue 15: someone who holds the master key and a copy of the live
// database files, taken right after the purge job returned, looks in them for anything of a
// purged person. They scan the bytes the way an attacker would (SQLite: the database file and its
// write-ahead log; PostgreSQL: every row version of every table and index, through pageinspect),
// not what SQL shows.

// secrets are what a purge must leave nowhere: the person's values and the bytes that would
// open them (the wrapped data key and the sealed columns).
type secrets map[string][]byte

// victim registers an account with every kind of personal data purse holds (GE-8): phone, e-mail,
// name, a card, a linked account, a one-time code sent to it and one sent before sign-up; closes
// it and returns its id and what a purge must erase.
func victim(t *testing.T, e *apitest.Env, tag string) (string, secrets) {
	t.Helper()
	p := personal{phone: apitest.NextPhone(), email: "attack." + tag + "@example.com", name: "赵攻击" + tag,
		card: "62220202001" + tag[:8], holder: "ZHAO " + strings.ToUpper(tag)}
	message(t, e, p.phone, "您的注册验证码是 "+tag[:6])
	// Registered with an Idempotency-Key, as the API's clients do: the stored answer (phone,
	// e-mail and name, sealed under the master key's answers key) is the account's too.
	body := map[string]any{"phone": p.phone, "password": "correct horse", "payment_password": "135790",
		"name": p.name, "email": p.email, "code": e.RegistrationCode(p.phone)}
	var created struct {
		ID string `json:"id"`
	}
	answerKey := "register-" + tag
	e.Call("POST", "/api/v1/accounts", body, "Idempotency-Key", answerKey).Expect(t, 201).JSON(t, &created)
	id := created.ID
	bindCard(t, e, id, p.card, p.holder)
	var s struct {
		Token string `json:"token"`
	}
	e.Call("POST", "/api/v1/sessions", map[string]any{"login": p.phone, "password": "correct horse"}).Expect(t, 201).JSON(t, &s)
	external := "ext-linked-" + tag
	e.Call("POST", "/api/v1/linked-accounts", map[string]any{"platform": "shop", "external_id": external},
		apitest.Auth(s.Token)...).Expect(t, 201)
	// A phone change left pending: the flow holds the new number sealed, its lookup hash and, for
	// the remedy page, its masked form.
	newPhone := apitest.NextPhone()
	e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": newPhone}, apitest.Auth(s.Token)...).Expect(t, 201)
	var targetHash string
	if err := e.DB.SQL().QueryRow(rebind(e, `SELECT target_hash FROM business_flows WHERE account_id = ?`), id).Scan(&targetHash); err != nil {
		t.Fatal(err)
	}
	otp := tag[2:8]
	m := &purse.Message{ID: purse.NewID(), AccountID: id, Channel: purse.ChannelSMS, To: p.phone, Template: "otp",
		Language: "zh-CN", Body: "验证码 " + otp + "，5分钟内有效", Status: "sent", NextAt: e.Clock.Now(), CreatedAt: e.Clock.Now()}
	if err := e.DB.Tx(context.Background(), func(tx purse.Tx) error { return tx.InsertMessage(context.Background(), m) }); err != nil {
		t.Fatal(err)
	}
	// A transfer memo, free text that names people, written before the closure.
	memo := "房租 赵攻击 memo-" + tag
	transfer := &purse.LedgerTransaction{ID: purse.NewID(), Kind: "transfer", Status: "settled", AccountID: id,
		Amount: 100, Currency: "CNY", Memo: memo, CreatedAt: e.Clock.Now()}
	if err := e.DB.Tx(context.Background(), func(tx purse.Tx) error {
		return tx.InsertLedgerTransaction(context.Background(), transfer)
	}); err != nil {
		t.Fatal(err)
	}
	e.MarkClosed(t, id)

	out := secrets{"linked external id": []byte(external), "one-time code": []byte("验证码 " + otp), "transfer memo": []byte(memo),
		"sign-up code": []byte("验证码是 " + tag[:6])}
	for what, v := range p.values() {
		out[what] = []byte(v)
	}
	a := account(t, e, id)
	out["phone lookup hash"], out["e-mail lookup hash"] = []byte(a.PhoneHash), []byte(a.EmailHash)
	out["masked phone"] = []byte(accountpkg.MaskPhone(p.phone))
	out["new phone"], out["new phone masked"] = []byte(newPhone), []byte(accountpkg.MaskPhone(newPhone))
	out["new phone lookup hash"] = []byte(targetHash)
	out["sealed phone"], out["sealed e-mail"], out["sealed name"] = a.PhoneSealed, a.EmailSealed, a.NameSealed
	var wrapped, number []byte
	if err := e.DB.SQL().QueryRow(rebind(e, `SELECT wrapped FROM data_keys WHERE account_id = ?`), id).Scan(&wrapped); err != nil {
		t.Fatal(err)
	}
	if err := e.DB.SQL().QueryRow(rebind(e, `SELECT number_sealed FROM cards WHERE account_id = ?`), id).Scan(&number); err != nil {
		t.Fatal(err)
	}
	out["wrapped data key"], out["sealed card number"] = wrapped, number
	var answer []byte
	if err := e.DB.SQL().QueryRow(rebind(e, `SELECT body FROM idempotent_responses WHERE key = ?`), answerKey).Scan(&answer); err != nil {
		t.Fatal(err)
	}
	out["registration's stored answer"] = answer
	for what, v := range out {
		if len(v) < 6 {
			t.Fatalf("fixture: the %s is too short to look for (%q)", what, v)
		}
	}
	return id, out
}

// found lists the secrets that occur in b.
func (s secrets) found(b []byte) []string {
	var out []string
	for what, v := range s {
		if bytes.Contains(b, v) {
			out = append(out, what)
		}
	}
	return out
}

// TestAttackSQLiteLiveFiles: after the purge job returns, neither the database file nor its WAL
// holds anything of the purged person. Before issue 15 the WAL (checkpointed only above 4 MiB,
// never truncated on a quiet store) held the phone, the e-mail of the data_erased notice, the
// one-time codes, the linked id and the wrapped data key, which the master key opened.
func TestAttackSQLiteLiveFiles(t *testing.T) {
	t.Parallel()
	e := apitest.New(t, "sqlite")
	id, s := victim(t, e, "a1b2c3d4e5f6")
	// A bystander keeps the database busy with ordinary data, so that the erasure shares pages.
	bystander := e.SignUp("bystander.sqlite@example.com")
	bystanderNew := pendingPhoneChange(t, e, bystander)
	purgeDue(t, e, id)

	var seq int
	var schema, file string
	if err := e.DB.SQL().QueryRow(`PRAGMA database_list`).Scan(&seq, &schema, &file); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{file, file + "-wal", file + "-journal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := s.found(b); len(got) > 0 {
			t.Errorf("%s (%d bytes) still holds the purged account's %s", f, len(b), strings.Join(got, ", "))
		}
		noMaskedPhone(t, f, b, bystander.Phone)
		noMaskedPhone(t, f, b, bystanderNew)
	}
}

// pendingPhoneChange leaves a phone change of u's pending and returns its new number: the flow
// kept the number's masked form in clear for the remedy page until issue 15's last cut; the page
// now opens it from the sealed number (business.List), and the API still shows it.
func pendingPhoneChange(t *testing.T, e *apitest.Env, u *apitest.User) string {
	t.Helper()
	phone := apitest.NextPhone()
	e.Call("POST", "/api/v1/business/phone-change", map[string]any{"new_phone": phone}, u.Header()...).Expect(t, 201)
	var flows struct {
		Items []struct {
			Status string `json:"status"`
			Target string `json:"target"`
		} `json:"items"`
	}
	e.Call("GET", "/api/v1/business", nil, u.Header()...).Expect(t, 200).JSON(t, &flows)
	if len(flows.Items) != 1 || flows.Items[0].Target != accountpkg.MaskPhone(phone) {
		t.Fatalf("the pending phone change lists as %+v, want its new number masked", flows.Items)
	}
	return phone
}

// noMaskedPhone fails when b holds a live account's phone masked ("138****0000"): seven of its
// eleven digits were stored in clear for support screens until issue 15; they are derived from
// the sealed phone now.
func noMaskedPhone(t *testing.T, where string, b []byte, phone string) {
	t.Helper()
	if bytes.Contains(b, []byte(accountpkg.MaskPhone(phone))) {
		t.Errorf("%s holds a live account's masked phone in clear", where)
	}
}

// TestAttackPostgresRowVersions: after the purge job returns, no version of any row in any table
// or index, live or dead, holds anything of the purged person. Before issue 15 dead row versions
// held the destroyed wrapped data key byte for byte and outbox rows with the phone and e-mail in
// clear. The store runs in a database of its own, so that only its own transactions decide what
// VACUUM may remove.
func TestAttackPostgresRowVersions(t *testing.T) {
	t.Parallel()
	url := storetest.PostgresDatabase(t)
	clk := clock.NewFixed(storetest.Epoch)
	db, err := postgres.Open(context.Background(), url, clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.SQL().Exec(`CREATE EXTENSION IF NOT EXISTS pageinspect`); err != nil {
		t.Fatalf("pageinspect (contrib, superuser): %v", err)
	}
	e := apitest.On(t, db, clk)
	id, s := victim(t, e, "f6e5d4c3b2a1")
	bystander := e.SignUp("bystander.pg@example.com")
	bystanderNew := pendingPhoneChange(t, e, bystander)
	purgeDue(t, e, id)

	tuples, raw, byRel := pageScanBy(t, e)
	noMaskedPhone(t, "the raw pages", raw, bystander.Phone)
	noMaskedPhone(t, "the raw pages", raw, bystanderNew)
	if got := s.found(tuples); len(got) > 0 {
		t.Errorf("row versions (live or dead) still hold the purged account's %s", strings.Join(got, ", "))
	}
	// The pages' raw bytes, free space included: PostgreSQL does not zero the space a removed
	// version leaves, so what an erasure's dead versions held stays there until a new row is
	// written over it. Nothing of the person may be readable there either: no value in clear
	// (the outbox is sealed), no lookup hash (a guessed phone or e-mail is tested against it with
	// the lookup key) and no key that opens what is sealed (data_keys, records_identity and
	// account_lookups are rewritten by the scrub). What remains is ciphertext under the destroyed
	// key, which nothing opens. Before the lookup hashes left the accounts rows, and the masked
	// phone was stored at all, the accounts pages kept both after the purge.
	readable := s.readable()
	if got := readable.found(raw); len(got) > 0 {
		t.Errorf("the raw pages (free space included) still hold the purged account's %s", strings.Join(got, ", "))
		for rel, b := range byRel {
			if got := readable.found(b); len(got) > 0 {
				t.Logf("%s holds %s", rel, strings.Join(got, ", "))
			}
		}
	}
	t.Logf("unreadable remnants in raw pages after the purge: %v", s.found(raw))
}

// readable are the secrets someone holding the master key reads without the destroyed data key:
// the values in clear, the lookup hash (a guessed phone number is tested against it) and the
// wrapped key itself; not the values sealed under the data key.
func (s secrets) readable() secrets {
	out := secrets{}
	for what, v := range s {
		if !strings.HasPrefix(what, "sealed ") {
			out[what] = v
		}
	}
	return out
}

// pageScan reads every page of every table, TOAST table and B-tree index in the database: the
// bytes of every item (heap tuples, live and dead, and index entries) and the raw pages.
func pageScan(t *testing.T, e *apitest.Env) (items, raw []byte) {
	items, raw, _ = pageScanBy(t, e)
	return items, raw
}

// pageScanBy is pageScan with each relation's raw pages apart, to say where a remnant is.
func pageScanBy(t *testing.T, e *apitest.Env) (items, raw []byte, byRel map[string][]byte) {
	t.Helper()
	rows, err := e.DB.SQL().Query(`SELECT c.oid::regclass::text, c.relkind, pg_relation_size(c.oid) / current_setting('block_size')::int
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.relkind IN ('r', 't', 'i')
		AND c.relpersistence = 'p' AND (c.relkind <> 'i' OR c.relam = (SELECT oid FROM pg_am WHERE amname = 'btree'))`)
	if err != nil {
		t.Fatal(err)
	}
	type rel struct {
		name, kind string
		pages      int64
	}
	var rels []rel
	for rows.Next() {
		var r rel
		if err := rows.Scan(&r.name, &r.kind, &r.pages); err != nil {
			t.Fatal(err)
		}
		rels = append(rels, r)
	}
	rows.Close()
	var it, rw bytes.Buffer
	byRel = map[string][]byte{}
	for _, r := range rels {
		if strings.HasPrefix(r.name, "pg_toast.") && !strings.Contains(r.name, "pg_toast_") {
			continue
		}
		for blk := int64(0); blk < r.pages; blk++ {
			var page []byte
			if err := e.DB.SQL().QueryRow(`SELECT get_raw_page($1, $2::bigint)`, r.name, blk).Scan(&page); err != nil {
				t.Fatalf("%s page %d: %v", r.name, blk, err)
			}
			rw.Write(page)
			byRel[r.name] = append(byRel[r.name], page...)
			var q string
			switch {
			case r.kind != "i":
				q = `SELECT coalesce(t_data, ''::bytea) FROM heap_page_items(get_raw_page($1, $2::bigint))`
			case blk == 0:
				continue // the B-tree meta page holds no entries
			default:
				q = `SELECT decode(replace(coalesce(data, ''), ' ', ''), 'hex') FROM bt_page_items(get_raw_page($1, $2::bigint))`
			}
			items, err := e.DB.SQL().Query(q, r.name, blk)
			if err != nil {
				t.Fatalf("%s page %d: %v", r.name, blk, err)
			}
			for items.Next() {
				var b []byte
				if err := items.Scan(&b); err != nil {
					t.Fatal(err)
				}
				it.Write(b)
				it.WriteByte(0)
			}
			items.Close()
		}
	}
	if it.Len() == 0 {
		t.Fatalf("the scan read no items from %d relations", len(rels))
	}
	return it.Bytes(), rw.Bytes(), byRel
}
