"""Pure shipping rules: numbers, legs, customs, refusals. Imports nothing outside the standard library."""
