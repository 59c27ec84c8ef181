"""Review: sources, verdicts, approval and corrections on a claim."""
