"""schema.org ClaimReview JSON-LD: build, validate and import (pure: no Flask, no database)."""
