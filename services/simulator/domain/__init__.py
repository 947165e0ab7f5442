"""Pure journey planning: scenarios, ground truth, goods and places (no I/O)."""
