"""Read models built from the event log by tracked projections."""
