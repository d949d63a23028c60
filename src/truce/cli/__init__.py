"""The command-line interface: a thin typer shell over the library."""
