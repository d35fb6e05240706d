"""Spreadsheets: one sheet per kind, written row by row in xlsxwriter's constant-memory mode.

Header bold and frozen, autofilter on, numbers as numbers, money in Rupiah, moments as real
Excel date-times in the export's time zone, column widths from the first rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import xlsxwriter

from core.reports.exports.table import BOOL, DATE, FLOAT, INT, MOMENT, MONEY, NUMBER, Column, Table
from core.reports.exports.values import EXCEL_EPOCH, moment_serial
from core.reports.exports.writers import Progress

WIDEST = 60
WIDTHS = {MOMENT: 19, DATE: 11, MONEY: 16, NUMBER: 12, INT: 8, FLOAT: 11, BOOL: 7}


def write_xlsx(
    tables: Iterable[Table], out: BinaryIO, zone: ZoneInfo, excel: bool, progress: Progress
) -> int:
    """Each kind on a sheet of its own, in one workbook."""
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            # Text stays text: "=1+1" is not a formula, a link is not a hyperlink.
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    formats = {
        "header": book.add_format({"bold": True}),
        MOMENT: book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        DATE: book.add_format({"num_format": "yyyy-mm-dd"}),
        MONEY: book.add_format({"num_format": '"Rp" #,##0;-"Rp" #,##0'}),
    }
    written = 0
    for table in tables:
        written = _sheet(book, formats, table, zone, written, progress)
    book.close()
    return written


def _sheet(
    book: Any, formats: dict[str, Any], table: Table, zone: ZoneInfo, done: int, progress: Progress
) -> int:
    sheet = book.add_worksheet(table.kind[:31])
    cols = table.columns
    sheet.freeze_panes(1, 0)
    writers = [_cell_writer(sheet, c, formats, zone) for c in cols]
    row = 0
    for batch in table.batches:
        if row == 0:
            _header(sheet, formats["header"], cols, batch)
        for values in batch:
            row += 1
            for column, (write, value) in enumerate(zip(writers, values, strict=True)):
                if value is not None:
                    write(row, column, value)
        done += len(batch)
        progress(done)
    if row == 0:
        _header(sheet, formats["header"], cols, ())
    sheet.autofilter(0, 0, row, len(cols) - 1)
    return done


def _header(sheet: Any, bold: Any, cols: Sequence[Column], sample: Sequence[Any]) -> None:
    """The header row, and column widths guessed from it and the first rows."""
    for i, column in enumerate(cols):
        width = WIDTHS.get(column.type)
        if width is None:
            seen = [len(str(r[i])) for r in sample[:200] if r[i] is not None]
            width = min(WIDEST, max(seen, default=8))
        sheet.set_column(i, i, max(width, len(column.name)) + 2)
        sheet.write_string(0, i, column.name, bold)


def _cell_writer(sheet: Any, column: Column, formats: dict[str, Any], zone: ZoneInfo) -> Any:
    """The cheapest xlsxwriter call that writes one column's values with the right type."""
    number, string = sheet.write_number, sheet.write_string
    if column.type == MOMENT:
        moment_format, serial = formats[MOMENT], moment_serial(zone)
        return lambda row, col, value: number(row, col, serial(value), moment_format)
    if column.type == DATE:
        day_format = formats[DATE]

        def day(row: int, col: int, value: Any) -> None:
            number(row, col, (value - EXCEL_EPOCH.date()).days, day_format)

        return day
    if column.type == MONEY:
        money_format = formats[MONEY]
        return lambda row, col, value: number(row, col, float(value), money_format)
    if column.type in (NUMBER, INT, FLOAT):
        return lambda row, col, value: number(row, col, float(value))
    if column.type == BOOL:
        return sheet.write_boolean
    return lambda row, col, value: string(row, col, str(value))
