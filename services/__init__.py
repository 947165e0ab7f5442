"""The parcelbridge services: one package each, the same skeleton in every one."""
