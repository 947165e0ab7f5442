"""Pure builders of the carriers' own wire formats and credentials."""
