"""The `gotong` command: one Typer app, its commands grouped by what they work on.

Only `gotong db upgrade` migrates whatever the database; `run`, `chat` and the commands that
write migrate a SQLite file themselves and refuse an outdated PostgreSQL; listings and exports
never migrate.
"""

from __future__ import annotations

import typer

from bot.cli import backup, digests, exports, partners, records, report, serving
from bot.cli.budget import budget_app
from bot.cli.common import close_opened
from bot.cli.directory import partners_app, people_app, programs_app

app = typer.Typer(
    help="Gotong: chat assistant for coordinating social programs.", no_args_is_help=True
)
db_app = typer.Typer(help="The database.", no_args_is_help=True)


@app.callback()
def _every_command(context: typer.Context) -> None:
    # Runs before each command: its database connections close when it ends.
    context.call_on_close(close_opened)


app.command()(serving.run)
app.command()(serving.chat)
app.command()(records.invite)
app.command("demo")(records.load_demo)
app.command("export")(exports.export)
app.command("digest")(digests.digest)
app.command("report")(report.report)
app.command("backup")(backup.backup_database)
app.command("restore")(backup.restore_database)
db_app.command("upgrade")(serving.db_upgrade)
partners_app.command("import")(partners.partners_import)
partners_app.command("contacts")(partners.partners_contacts)
app.add_typer(people_app, name="people")
app.add_typer(partners_app, name="partners")
app.add_typer(programs_app, name="programs")
app.add_typer(budget_app, name="budget")
app.add_typer(db_app, name="db")
