-- +goose NO TRANSACTION
-- +goose Up
-- Issue 19 (session 14): PostgreSQL 15 reads a table's CHECK constraints back from their stored
-- node text, and prepares them, at every INSERT and UPDATE: per statement, not per connection.
-- A CHECK (x IN ('a', 'b', …)) is stored as x = ANY (ARRAY['a'::text, 'b'::text, …]), a node per
-- value (closures' state: 2,533 characters), folded into one array at every statement; written
-- as x = ANY ('{a,b,…}'::text[]) it is one constant (closures: 999 characters). Same values,
-- same meaning. Counted with cachegrind in a single-user backend, an UPDATE of a row under the
-- closures constraint costs 186,757 instructions in the IN form and 146,386 in this one (-22 %);
-- these are the tables a closure flow and a transfer write (docs/BENCHMARKS.md, session 14).
-- A later migration that changes one of these lists should keep this form:
-- sqlstore/postgres/TestHotChecksAreArrayConstants holds it.
--
-- Each constraint is swapped in one statement, without checking the rows (NOT VALID: a short
-- ACCESS EXCLUSIVE lock), then validated in a statement of its own, which reads the table under
-- a lock that lets writes go on. SQLite is unchanged: it parses its schema once per connection.
ALTER TABLE closures DROP CONSTRAINT closures_state_check,
    ADD CONSTRAINT closures_state_check CHECK (state = ANY ('{started,agreement,eligibility,rights,verification,email_confirmation,review,cooling_off,closed,failed,cancelled,expired}'::text[])) NOT VALID;
ALTER TABLE closures VALIDATE CONSTRAINT closures_state_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check,
    ADD CONSTRAINT accounts_kind_check CHECK (kind = ANY ('{unverified,mobile,verified,merchant}'::text[])) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_kind_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_status_check,
    ADD CONSTRAINT accounts_status_check CHECK (status = ANY ('{active,restricted,closing,closed,purged}'::text[])) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check,
    ADD CONSTRAINT outbox_channel_check CHECK (channel = ANY ('{email,sms,webhook}'::text[])) NOT VALID;
ALTER TABLE outbox VALIDATE CONSTRAINT outbox_channel_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check,
    ADD CONSTRAINT outbox_status_check CHECK (status = ANY ('{pending,sent,failed,expired}'::text[])) NOT VALID;
ALTER TABLE outbox VALIDATE CONSTRAINT outbox_status_check;
ALTER TABLE otp_codes DROP CONSTRAINT otp_codes_channel_check,
    ADD CONSTRAINT otp_codes_channel_check CHECK (channel = ANY ('{sms,email}'::text[])) NOT VALID;
ALTER TABLE otp_codes VALIDATE CONSTRAINT otp_codes_channel_check;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check,
    ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind = ANY ('{topup,withdrawal,transfer,fund_subscribe,fund_redeem,points_grant,points_spend,points_convert,stored_grant,stored_spend,credit_draw,credit_repay,sweep}'::text[])) NOT VALID;
ALTER TABLE ledger_transactions VALIDATE CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_status_check,
    ADD CONSTRAINT ledger_transactions_status_check CHECK (status = ANY ('{pending,settled,failed}'::text[])) NOT VALID;
ALTER TABLE ledger_transactions VALIDATE CONSTRAINT ledger_transactions_status_check;
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_book_check,
    ADD CONSTRAINT ledger_postings_book_check CHECK (book = ANY ('{balance,points,fund,stored,credit,operator}'::text[])) NOT VALID;
ALTER TABLE ledger_postings VALIDATE CONSTRAINT ledger_postings_book_check;

-- +goose Down
ALTER TABLE closures DROP CONSTRAINT closures_state_check,
    ADD CONSTRAINT closures_state_check CHECK (state IN ('started','agreement','eligibility','rights','verification','email_confirmation','review','cooling_off','closed','failed','cancelled','expired')) NOT VALID;
ALTER TABLE closures VALIDATE CONSTRAINT closures_state_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_kind_check,
    ADD CONSTRAINT accounts_kind_check CHECK (kind IN ('unverified','mobile','verified','merchant')) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_kind_check;
ALTER TABLE accounts DROP CONSTRAINT accounts_status_check,
    ADD CONSTRAINT accounts_status_check CHECK (status IN ('active','restricted','closing','closed','purged')) NOT VALID;
ALTER TABLE accounts VALIDATE CONSTRAINT accounts_status_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check,
    ADD CONSTRAINT outbox_channel_check CHECK (channel IN ('email','sms','webhook')) NOT VALID;
ALTER TABLE outbox VALIDATE CONSTRAINT outbox_channel_check;
ALTER TABLE outbox DROP CONSTRAINT outbox_status_check,
    ADD CONSTRAINT outbox_status_check CHECK (status IN ('pending','sent','failed','expired')) NOT VALID;
ALTER TABLE outbox VALIDATE CONSTRAINT outbox_status_check;
ALTER TABLE otp_codes DROP CONSTRAINT otp_codes_channel_check,
    ADD CONSTRAINT otp_codes_channel_check CHECK (channel IN ('sms','email')) NOT VALID;
ALTER TABLE otp_codes VALIDATE CONSTRAINT otp_codes_channel_check;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_kind_check,
    ADD CONSTRAINT ledger_transactions_kind_check CHECK (kind IN ('topup','withdrawal','transfer','fund_subscribe','fund_redeem','points_grant','points_spend','points_convert','stored_grant','stored_spend','credit_draw','credit_repay','sweep')) NOT VALID;
ALTER TABLE ledger_transactions VALIDATE CONSTRAINT ledger_transactions_kind_check;
ALTER TABLE ledger_transactions DROP CONSTRAINT ledger_transactions_status_check,
    ADD CONSTRAINT ledger_transactions_status_check CHECK (status IN ('pending','settled','failed')) NOT VALID;
ALTER TABLE ledger_transactions VALIDATE CONSTRAINT ledger_transactions_status_check;
ALTER TABLE ledger_postings DROP CONSTRAINT ledger_postings_book_check,
    ADD CONSTRAINT ledger_postings_book_check CHECK (book IN ('balance','points','fund','stored','credit','operator')) NOT VALID;
ALTER TABLE ledger_postings VALIDATE CONSTRAINT ledger_postings_book_check;
