"""The ``truce`` command: each sub-command parses arguments, calls the library, formats output."""

from __future__ import annotations

import typer

from truce import __version__

app = typer.Typer(
    name="truce",
    help=(
        "truce: monitor and verify a cease-fire.\n\n"
        "Start with `truce demo`, or `truce agreement list` to see the bundled agreements."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"truce {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """truce: monitor and verify a cease-fire."""


def _register() -> None:
    from truce.cli import (
        agreement,
        classify,
        demo,
        gazetteer,
        parse,
        pipeline,
        plan,
        record,
        report,
        review,
        simulate,
    )

    app.add_typer(agreement.app, name="agreement")
    app.add_typer(gazetteer.app, name="gazetteer")
    app.command("classify")(classify.classify_cmd)
    app.command("simulate")(simulate.simulate_cmd)
    app.command("parse")(parse.parse_cmd)
    app.command("ingest")(record.ingest_cmd)
    app.command("verify")(record.verify_cmd)
    app.command("process")(pipeline.process_cmd)
    app.add_typer(pipeline.export_app, name="export")
    app.command("evaluate")(pipeline.evaluate_cmd)
    app.add_typer(review.app, name="review")
    app.command("report")(report.report_cmd)
    app.command("plan")(plan.plan_cmd)
    app.command("demo")(demo.demo_cmd)


_register()


def main() -> None:
    """Console-script entry point."""
    app()
