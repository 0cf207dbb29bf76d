-- +goose Up
-- The items batch jobs failed on (closure requests, accounts to purge): each job handles an item
-- in a savepoint of its own, records a failure here and goes on with the others; the claims skip
-- an item until retry_at, so one poisoned row no longer stops a job for everyone behind it.
CREATE TABLE job_failures (
  job TEXT NOT NULL,
  item TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  error TEXT NOT NULL,
  first_failed_at BIGINT NOT NULL,
  failed_at BIGINT NOT NULL,
  retry_at BIGINT NOT NULL,
  PRIMARY KEY (job, item)
);
CREATE INDEX job_failures_recent ON job_failures (failed_at);

-- +goose Down
DROP TABLE job_failures;
