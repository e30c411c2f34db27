"""``manage.py import_watchlist PATH --kind sanctions|pep --version V [--name N] [--source S]``."""

from django.core.management.base import BaseCommand, CommandError

from smartbank.errors import ApplicationError

from ...watchlists import watchlist_import


class Command(BaseCommand):
    help = "Import an OpenSanctions targets.simple.csv as a sanctions or PEP watchlist."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs):  # noqa: ANN003, ANN201
        # --version names the list's version here, replacing Django's "print Django's version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("path", help="targets.simple.csv (UTF-8)")
        parser.add_argument("--kind", required=True, choices=["sanctions", "pep"])
        parser.add_argument("--version", required=True, help='e.g. "20261120"')
        parser.add_argument("--name", default="", help='list name (default "OpenSanctions <kind>")')
        parser.add_argument("--source", default="", help="where the file came from")

    def handle(self, *args: str, **options: str) -> None:
        path, kind, version = options["path"], options["kind"], options["version"]
        name, source = options["name"], options["source"]
        name = name or f"OpenSanctions {kind}"
        try:
            with open(path, newline="", encoding="utf-8-sig") as fh:
                watchlist = watchlist_import(
                    file=fh, name=name, kind=kind, version=version, source=source or path
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(f"Imported {watchlist.row_count} people into {watchlist} (active).")
        )
