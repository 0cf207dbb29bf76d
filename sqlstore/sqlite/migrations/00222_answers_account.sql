-- +goose Up
-- Issue 15: a stored idempotent answer names the account it is about, so that the purge deletes
-- it with the account's other rows: the account's own requests (scope = its id) and the request
-- that created it, a registration, whose scope is "anon". From now on the store also seals the
-- answer under that account's data key (sealed_for names the account whose key sealed it; the
-- answers stored before are sealed only under the master key's answers key, and live a day).
ALTER TABLE idempotent_responses ADD COLUMN account_id TEXT NOT NULL DEFAULT '';
ALTER TABLE idempotent_responses ADD COLUMN sealed_for TEXT NOT NULL DEFAULT '';
UPDATE idempotent_responses SET account_id = CASE WHEN scope LIKE 'web:%' THEN substr(scope, 5) ELSE scope END WHERE scope <> 'anon' AND scope NOT LIKE 'operator:%';
CREATE INDEX idempotent_responses_account ON idempotent_responses (account_id) WHERE account_id <> '';

-- +goose Down
DROP INDEX idempotent_responses_account;
ALTER TABLE idempotent_responses DROP COLUMN sealed_for;
ALTER TABLE idempotent_responses DROP COLUMN account_id;
