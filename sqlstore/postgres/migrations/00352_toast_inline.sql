-- +goose Up
-- Issue 19: a closure request's row reaches about 3 kB at submit (the 2.1 kB certificate beside
-- the policy snapshot), and the closed notice's outbox row 2.8 kB. Past 2 kB (TOAST_TUPLE_TARGET)
-- PostgreSQL compresses a row's long values at every write: the request's certificate and
-- policy, and the notice's sealed body, which is ciphertext and is tried and refused. That was
-- 2.7 % of the server's instructions per closure flow (pglz_compress, docs/BENCHMARKS.md session
-- 12). Rows up to 4 kB now stay whole and uncompressed in their page; longer ones are compressed
-- and moved out as before.
ALTER TABLE closures SET (toast_tuple_target = 4080);
ALTER TABLE outbox SET (toast_tuple_target = 4080);

-- +goose Down
ALTER TABLE closures RESET (toast_tuple_target);
ALTER TABLE outbox RESET (toast_tuple_target);
