"""Exports keep what was collected: figures, photos, places and who answered for whom."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from sqlalchemy.engine import Engine

from core.db import unit_of_work
from core.reports.export import ExportQuery, export, write_export
from tests.chat import Chat


def rows(engine: Engine, kind: str) -> list[dict[str, object]]:
    with unit_of_work(engine) as session:
        return export(session, kind, tz="Asia/Jakarta")


def written(engine: Engine, kind: str, fmt: str) -> str:
    out = io.BytesIO()
    with unit_of_work(engine) as session:
        write_export(session, ExportQuery(kinds=(kind,)), fmt, out, tz="Asia/Jakarta")
    return out.getvalue().decode()


class TestUpdatesExport:
    """One row per update, figures in quantity and unit columns."""

    def test_figures_photo_and_location_have_columns(self, chat: Chat, engine: Engine) -> None:
        """Two figures become quantity/unit and quantity_2/unit_2; photo and place are kept."""
        chat.send(
            "budi",
            "/lapor #pkh 45 paket sembako disalurkan, 12 KK didata",
            photo_file_id="AgAD-photo-1",
            latitude=-6.89,
            longitude=110.64,
        )
        chat.send("budi", "/lapor #pkh Rp 2.500.000 untuk transport")
        first, second = rows(engine, "updates")
        assert (first["quantity"], first["unit"]) == (Decimal(45), "paket sembako")
        assert (first["quantity_2"], first["unit_2"]) == (Decimal(12), "KK")
        assert first["photo"] == "AgAD-photo-1"
        assert (first["latitude"], first["longitude"]) == (-6.89, 110.64)
        assert (second["quantity"], second["unit"]) == (Decimal(2500000), "IDR")
        assert second["quantity_2"] is None and second["photo"] is None
        assert set(first) == set(second)

    def test_no_figures_still_has_the_columns(self, chat: Chat, engine: Engine) -> None:
        """An update without numbers exports empty figure columns, so every CSV has them."""
        chat.send("budi", "/lapor #pkh gudang sudah dibersihkan")
        [row] = rows(engine, "updates")
        assert row["quantity"] is None and row["unit"] is None

    def test_figures_are_numbers_in_json_and_csv(self, chat: Chat, engine: Engine) -> None:
        """Quantities are written as numbers with every digit, never as strings or floats."""
        chat.send("budi", "/lapor #pkh 45 paket sembako, Rp 1.234.567.890.123,45 dana")
        as_json = json.loads(written(engine, "updates", "json"), parse_float=Decimal)
        assert as_json[0]["quantity"] == 45 and isinstance(as_json[0]["quantity"], int)
        assert as_json[0]["quantity_2"] == Decimal("1234567890123.45")
        [as_csv] = csv.DictReader(io.StringIO(written(engine, "updates", "csv")))
        assert as_csv["quantity_2"] == "1234567890123.45"

    def test_withdrawn_update_keeps_its_row_with_the_moment(
        self, chat: Chat, engine: Engine
    ) -> None:
        chat.send("budi", "/lapor #pkh 45 paket sembako")
        chat.send("budi", "/batal lapor 1")
        [row] = rows(engine, "updates")
        assert str(row["withdrawn_at"]).endswith("+07:00")


class TestIndicatorsExport:
    """Each indicator value with its code, region, reporter and update."""

    def test_values_with_code_region_reporter_and_update(self, chat: Chat, engine: Engine) -> None:
        chat.send("ani", '/indikator #pkh tambah kpm "KPM" kpm target 100 per wilayah')
        chat.send("budi", "/lapor #pkh kpm=12,5 desa=Sukamaju")
        chat.send("yohana", "/lapor #pkh kpm=3 kecamatan=Wedung")
        chat.send("yohana", "/batal lapor 2")
        first, second = rows(engine, "indicators")
        assert (first["indicator"], first["program"], first["region"]) == ("kpm", "pkh", "Sukamaju")
        assert (first["value"], first["reporter"], first["update"]) == (Decimal("12.5"), "budi", 1)
        assert str(first["recorded_at"]).endswith("+07:00") and first["withdrawn_at"] is None
        assert (second["reporter"], second["update"]) == ("yohana", 2)
        assert str(second["withdrawn_at"]).endswith("+07:00")
        assert json.loads(written(engine, "indicators", "json"))[0]["value"] == 12.5


class TestMeetingsExport:
    """People and organisations in separate columns, each person with who they answered for."""

    def test_people_and_organisations_apart(self, chat: Chat, engine: Engine) -> None:
        """An organisation's invitation and its contact's answer are not mixed in one string."""
        chat.send("ani", "/rapat Koordinasi senin 10:00 @budi @dinsos #pkh")
        chat.send("harjo", "/hadir 1")
        chat.send("budi", "/tidakhadir 1")
        [row] = rows(engine, "meetings")
        assert "attendees" not in row
        assert "budi:no" in str(row["people"])
        assert "harjo:yes (dinsos)" in str(row["people"])
        assert "@" not in str(row["people"])
        assert row["organisations"] == "dinsos:yes"
        assert "budi" not in str(row["organisations"])
