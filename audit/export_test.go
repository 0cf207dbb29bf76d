package audit

// CheckBatch is Check with a batch size small enough for a test to cross batches.
var CheckBatch = check
