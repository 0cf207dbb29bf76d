-- +goose Up
-- Why a user leaves (IM-1), when they chose to say: one code per closure request, never a
-- condition of the closure. A code from a fixed list (purse.ClosureReasons), no free text, so it
-- holds no personal data; the console counts them beside the funnel.
CREATE TABLE closure_reasons (
  closure_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX closure_reasons_created ON closure_reasons (created_at);

-- +goose Down
DROP TABLE closure_reasons;
