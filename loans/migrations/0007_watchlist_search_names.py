"""Issue 13: each watchlist entry keeps its name and aliases normalised for screening
(``WatchlistEntry.search_names``, and ``search_repeated`` when one has a word twice, written at
import), so a worker builds the screening index of a
large list without normalising every name. Existing entries are filled here; going back drops the
column (the names it holds are derived from ``name`` and ``aliases``, nothing is lost)."""

import re
import unicodedata

from django.db import migrations, models

_NON_WORD = re.compile(r"[^\w\s]|_", re.UNICODE)


def _normalise(name: str) -> str:
    # A frozen copy of loans.screening.normalise_name as of this migration.
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = _NON_WORD.sub(" ", plain.casefold())
    return " ".join(sorted(plain.split()))


def fill_search_names(apps, schema_editor):
    entry_model = apps.get_model("loans", "WatchlistEntry")
    batch = []
    for entry in entry_model.objects.only("pk", "name", "aliases").iterator(chunk_size=2000):
        names = (_normalise(n) for n in (entry.name, *(entry.aliases or ())))
        entry.search_names = "\n".join(dict.fromkeys(n for n in names if n))
        entry.search_repeated = any(
            len(set(words)) != len(words)
            for words in (line.split() for line in entry.search_names.split("\n"))
        )
        batch.append(entry)
        if len(batch) >= 2000:
            entry_model.objects.bulk_update(batch, ["search_names", "search_repeated"])
            batch = []
    entry_model.objects.bulk_update(batch, ["search_names", "search_repeated"])


class Migration(migrations.Migration):
    dependencies = [
        ("loans", "0006_case_insensitive_email_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="watchlistentry",
            name="search_names",
            field=models.TextField(
                blank=True,
                default="",
                editable=False,
                help_text="Name and aliases normalised for screening, one a line (at import)",
            ),
        ),
        migrations.AddField(
            model_name="watchlistentry",
            name="search_repeated",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="One of search_names has a word twice (screening always scores it)",
            ),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
    ]
