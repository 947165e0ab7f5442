"""The carrier simulator: plays SF Express and UPS against a running parcelbridge deployment."""
