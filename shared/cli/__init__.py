"""The `parcelbridge` command line."""
