"""PostgreSQL refuses overlapping working blocks of one weekday, and of one exception date.

Model validation says the same for every database; on PostgreSQL the database itself also
refuses, so a bug or a race cannot store two overlapping blocks. SQLite has no such constraint.
"""

from django.db import migrations

CONSTRAINTS = [
    ("businesses_workinghours", "working_hours_no_overlap", "business_profile_id WITH =, weekday WITH ="),
    ("businesses_exceptiondate", "exception_blocks_no_overlap", "business_profile_id WITH =, date WITH ="),
]
# Seconds since midnight as an integer range [start, end): touching blocks do not overlap.
TIME_RANGE = "int4range(extract(epoch from start_time)::int, extract(epoch from end_time)::int)"


def add(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for table, name, equal in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist ({equal}, ({TIME_RANGE}) WITH &&)"
            " WHERE (start_time IS NOT NULL)"
        )


def remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, name, _ in CONSTRAINTS:
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("businesses", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
