"""CSV downloads streamed row by row: UTF-8 with a BOM (so Excel reads accents right), and cells
that a spreadsheet would run as a formula neutralised."""

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse

BOM = "\ufeff"
# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets (OWASP
# "CSV injection"); a leading ' makes it text. A phone's "+44..." gets one too: the price of safety.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """csv.writer's file: hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def csv_download(header: list[str], rows: Iterable[Iterable[object]], *, filename: str) -> StreamingHttpResponse:
    """A streamed attachment: the BOM, the header row, then `rows` as they are read."""
    writer = csv.writer(_Echo())

    def lines():
        yield BOM + writer.writerow([safe_cell(name) for name in header])
        for row in rows:
            yield writer.writerow([safe_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
