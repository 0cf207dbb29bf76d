-- +goose Up
-- Whether the account holder's own proof started the flow (a signed-in session) or proved it
-- since. Only such a flow is business in progress (AP-8.7): a password recovery anyone may start
-- with a phone number must not block, or fail, the holder's closure (issue 14). Recoveries
-- already pending were started by whoever knew the login.
ALTER TABLE business_flows ADD COLUMN by_holder BOOLEAN NOT NULL DEFAULT TRUE;
UPDATE business_flows SET by_holder = FALSE WHERE kind = 'password_recovery';

-- +goose Down
ALTER TABLE business_flows DROP COLUMN by_holder;
