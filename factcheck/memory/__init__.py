"""The fact-check memory: imported ClaimReviews and "already checked" matches for every claim."""
