"""`python -m ops`: the same command line as the installed `parcelbridge` script, without depending on it."""

from ops.cli.main import cli

cli(prog_name="parcelbridge")
