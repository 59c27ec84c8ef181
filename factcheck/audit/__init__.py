"""The newsroom audit trail: hash-chained, append-only, verifiable offline."""
