"""Peers measured beside parcelbridge in the same bench run (today: Karrio server, see peer-karrio.md)."""
