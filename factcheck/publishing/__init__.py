"""Publishing: ClaimReview JSON-LD, public fact-check pages and the feed."""
