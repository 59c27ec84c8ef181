"""Claims: creation from extraction or by hand, the queue, assignment and workflow moves."""
