-- +goose Up
-- AP-2: installing the device certificate after an SMS code is a business flow of its own kind.
ALTER TABLE business_flows DROP CONSTRAINT business_flows_kind_check;
ALTER TABLE business_flows ADD CONSTRAINT business_flows_kind_check
    CHECK (kind IN ('password_recovery','phone_change','certificate_install'));

-- +goose Down
DELETE FROM business_flows WHERE kind = 'certificate_install';
ALTER TABLE business_flows DROP CONSTRAINT business_flows_kind_check;
ALTER TABLE business_flows ADD CONSTRAINT business_flows_kind_check CHECK (kind IN ('password_recovery','phone_change'));
