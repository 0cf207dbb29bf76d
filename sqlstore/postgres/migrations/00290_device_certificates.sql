-- +goose Up
-- AP-2: a certificate user installs the device certificate on a remembered device after an SMS
-- code to the bound phone (and the payment password). The certificate belongs to that device
-- only: the closure's environment check passes for sessions opened on it, and revoking the device
-- takes the certificate with it.
ALTER TABLE devices ADD COLUMN certificate_at BIGINT NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE devices DROP COLUMN certificate_at;
