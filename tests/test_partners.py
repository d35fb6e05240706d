"""The partner directory in chat: /mitra @handle, adding partners and contacts, and who sees what."""

from __future__ import annotations

from sqlmodel import func, select

from core.db import unit_of_work
from core.models import PartnerContact, PartnerOrg
from tests.chat import Chat


def rows(chat: Chat) -> tuple[int, int]:
    """How many organisations and plain contacts are stored."""
    with unit_of_work(chat.engine) as s:
        orgs = s.exec(select(func.count()).select_from(PartnerOrg)).one()
        contacts = s.exec(select(func.count()).select_from(PartnerContact)).one()
    return orgs, contacts


class TestDirektoriMitra:
    """/mitra @mitra shows one organisation; managers add partners and contacts (Indonesian)."""

    def test_manager_sees_contacts_platforms_and_meetings(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Koordinasi mitra senin 10:00 @dinsos #pkh")
        chat.send("ani", '/mitra kontak @dinsos "Bu Sri" 0812-1111-2222 sri@dinsos.example.id')
        said = chat.send("ani", "/mitra @dinsos")
        assert said.text.splitlines()[:2] == ["Dinas Sosial Demak (@dinsos)", "Jenis: pemerintah"]
        assert "Kontak di Gotong:\n• Pak Harjo (@harjo) — test" in said
        assert "Kontak lain:\n• Bu Sri · 0812-1111-2222 · sri@dinsos.example.id" in said
        assert "Rapat yang dihadiri:\n📅 " in said
        assert "Rapat 1: Koordinasi mitra #pkh" in said

    def test_manager_adds_partner_and_contact(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra tambah @pmi-demak "PMI Kabupaten Demak" pemerintah Demak')
        assert "✅ Mitra ditambahkan: PMI Kabupaten Demak (@pmi-demak), pemerintah, Demak." in said
        said = chat.send(
            "ani", '/mitra kontak @pmi-demak "Pak Joko" 0812-3456-7890 joko@example.org'
        )
        assert "✅ Kontak PMI Kabupaten Demak (@pmi-demak) ditambahkan: Pak Joko" in said
        said = chat.send("ani", "/mitra @pmi-demak")
        assert "Jenis: pemerintah · Wilayah: Demak" in said
        assert "• Pak Joko · 0812-3456-7890 · joko@example.org" in said
        assert "Kontak di Gotong" not in said and "Rapat" not in said
        assert "pmi-demak" in chat.send("budi", "/mitra").text

    def test_same_contact_twice_is_kept_once(self, chat: Chat) -> None:
        chat.send("ani", '/mitra kontak @dinsos "Pak Joko" 0812-3456-7890')
        said = chat.send("ani", '/mitra kontak @dinsos "pak joko" +62 812 3456 7890')
        assert "Kontak ini sudah tercatat untuk Dinas Sosial Demak (@dinsos)" in said
        assert rows(chat) == (2, 1)

    def test_kind_words_in_both_languages(self, chat: Chat) -> None:
        chat.send("ani", '/mitra tambah @karang-taruna "Karang Taruna Sukamaju" komunitas')
        chat.send("ani", '/mitra tambah @bank-jateng "Bank Jateng" swasta Semarang')
        chat.send("ani", '/mitra tambah @peduli "Yayasan Peduli" lsm')
        said = chat.send("ani", "/mitra")
        assert "@karang-taruna — Karang Taruna Sukamaju (komunitas)" in said
        assert "@bank-jateng — Bank Jateng (swasta, Semarang)" in said
        assert "@peduli — Yayasan Peduli (LSM)" in said

    def test_field_worker_sees_partners_of_their_programs_only(self, chat: Chat) -> None:
        assert "Dinas Sosial Demak (@dinsos)" in chat.send("budi", "/mitra @dinsos")
        other = chat.send("budi", "/mitra @unicef")
        assert "@unicef bukan mitra program Anda, jadi rinciannya tidak ditampilkan" in other
        assert "UNICEF" not in other

    def test_entry_lists_only_meetings_the_reader_may_open(self, chat: Chat) -> None:
        chat.send("ani", "/rapat Evaluasi tertutup senin 10:00 @dinsos #pkh")
        assert "Rapat 1: Evaluasi tertutup" in chat.send("harjo", "/mitra @dinsos")
        said = chat.send("budi", "/mitra @dinsos")
        assert "Dinas Sosial Demak (@dinsos)" in said and "Rapat" not in said

    def test_partner_sees_own_entry_only(self, chat: Chat) -> None:
        assert "Dinas Sosial Demak (@dinsos)" in chat.send("harjo", "/mitra @dinsos")
        other = chat.send("harjo", "/mitra @unicef").text
        nothing = chat.send("harjo", "/mitra @unicf").text
        assert other == nothing.replace("@unicf", "@unicef")
        assert "UNICEF" not in other and "Maksud Anda" not in other
        assert "Saya tidak mengenal @ani" in chat.send("harjo", "/mitra @ani")


class TestMitraSalah:
    """Bad input: one short reply with a working example, nothing changed."""

    def test_unknown_handle(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra kontak @pmi "Pak Joko" 0812-3456-7890')
        assert "Saya tidak mengenal @pmi" in said
        assert rows(chat) == (2, 0)

    def test_person_where_organisation_needed(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra kontak @budi "Pak Joko" 0812-3456-7890')
        assert "@budi adalah orang, bukan organisasi mitra. Contoh: /mitra @dinsos-demak" in said
        assert "@budi adalah orang" in chat.send("ani", "/mitra @budi")
        assert rows(chat) == (2, 0)

    def test_bad_phone_and_email(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra kontak @dinsos "Pak Joko" 0812-34')
        assert 'Nomor telepon "0812-34" tidak bisa dipakai' in said
        assert "Contoh: /mitra kontak @pmi-demak" in said
        said = chat.send("ani", '/mitra kontak @dinsos "Pak Joko" joko@example')
        assert 'Alamat e-mail "joko@example" tidak bisa dipakai' in said
        said = chat.send("ani", '/mitra kontak @dinsos "Pak Joko" satu-dua-tiga')
        assert "Nomor telepon" in said
        assert rows(chat) == (2, 0)

    def test_missing_quoted_name(self, chat: Chat) -> None:
        said = chat.send("ani", "/mitra kontak @dinsos Pak Joko 0812-3456-7890")
        assert "nama kontak dalam tanda kutip" in said
        said = chat.send("ani", "/mitra tambah @pmi-demak PMI Kabupaten Demak pemerintah")
        assert "nama lengkap dalam tanda kutip" in said
        assert '/mitra tambah @pmi-demak "PMI Kabupaten Demak" pemerintah Demak' in said
        assert rows(chat) == (2, 0)

    def test_unknown_kind_lists_the_kinds(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra tambah @pmi-demak "PMI Kabupaten Demak" relawan Demak')
        assert 'Jenis mitra "relawan" tidak dikenal. Pilih: pemerintah, lsm, komunitas' in said
        assert rows(chat) == (2, 0)

    def test_taken_handle(self, chat: Chat) -> None:
        said = chat.send("ani", '/mitra tambah @budi "Budi Foundation" lsm')
        assert "budi" in said and rows(chat) == (2, 0)

    def test_only_managers_add(self, chat: Chat) -> None:
        said = chat.send("budi", '/mitra tambah @pmi-demak "PMI Kabupaten Demak" pemerintah')
        assert "Hanya manajer dan admin yang bisa menambah mitra" in said
        assert "petugas lapangan" in said
        said = chat.send("harjo", '/mitra kontak @dinsos "Bu Sri" 0812-1111-2222')
        assert "Hanya manajer dan admin" in said
        assert rows(chat) == (2, 0)

    def test_stray_words(self, chat: Chat) -> None:
        assert "Contoh: /mitra @dinsos-demak" in chat.send("ani", "/mitra dinsos @budi")
        # A word alone is a search: what it found, or that nothing matched.
        assert "• @dinsos — Dinas Sosial Demak" in chat.send("ani", "/mitra dinsos")


class TestPartnerDirectory:
    """The same directory in English."""

    def test_manager_adds_partner_and_contact(self, chat: Chat) -> None:
        said = chat.send("sarah", '/partners add @pmi-demak "PMI Demak District" government Demak')
        assert "✅ Partner added: PMI Demak District (@pmi-demak), government, Demak." in said
        said = chat.send(
            "sarah", '/partners contact @pmi-demak "Pak Joko" 0812-3456-7890 joko@example.org'
        )
        assert "✅ Contact of PMI Demak District (@pmi-demak) added: Pak Joko" in said
        said = chat.send("sarah", "/partners @pmi-demak")
        assert "Kind: government · Region: Demak" in said
        assert "Other contacts:\n• Pak Joko · 0812-3456-7890 · joko@example.org" in said

    def test_entry_shows_contacts_on_gotong(self, chat: Chat) -> None:
        said = chat.send("kevin", "/partners @unicef")
        assert "UNICEF Indonesia (@unicef)" in said
        assert "Kind: international agency" in said
        assert "Contacts on Gotong:\n• Tom Becker (@tom) — test" in said

    def test_partner_cannot_see_another_organisation(self, chat: Chat) -> None:
        other = chat.send("tom", "/partners @dinsos").text
        assert other == chat.send("tom", "/partners @dinsoz").text.replace("@dinsoz", "@dinsos")
        assert "I do not know @dinsos" in other and "Dinas" not in other

    def test_bad_input(self, chat: Chat) -> None:
        said = chat.send("sarah", '/partners add @pmi-demak "PMI" volunteers')
        assert 'Unknown partner kind "volunteers". Choose one of: government, ngo' in said
        said = chat.send("sarah", "/partners contact @unicef Joko 0812-3456-7890")
        assert "the contact's name in quotes" in said
        said = chat.send("sarah", '/partners contact @unicef "Joko" 12')
        assert 'The phone number "12" cannot be used' in said
        said = chat.send("sarah", '/partners contact @kevin "Joko" 0812-3456-7890')
        assert "@kevin is a person, not a partner organisation" in said
        said = chat.send("kevin", '/partners add @pmi-demak "PMI Demak District" government')
        assert "Only managers and admins can add partners" in said
        assert rows(chat) == (2, 0)


class TestDaftarMitraBerhalaman:
    """/mitra lists 20 partners a page, searches words and kinds (a national scheme has
    thousands: the whole list was one 70,000-character reply)."""

    def add_many(self, chat: Chat, count: int) -> None:
        with unit_of_work(chat.engine) as s:
            for n in range(count):
                region = "Demak" if n % 5 == 0 else "Kudus"
                kind = "community" if n % 2 else "ngo"
                s.add(
                    PartnerOrg(handle=f"org-{n:03d}", name=f"Yayasan {n}", kind=kind, region=region)
                )

    def test_pages_with_a_next_button_and_a_count(self, chat: Chat) -> None:
        self.add_many(chat, 43)  # with the workspace's two: 45
        said = chat.send("ani", "/mitra")
        assert said.text.startswith("Mitra (45), halaman 1 dari 3:")
        assert said.text.count("\n• @") == 20
        assert "… dan 25 lagi. Berikutnya: /mitra 2" in said
        assert said.commands == ["partners 2"]
        said = chat.send("ani", "/mitra 3")
        assert "halaman 3 dari 3" in said and said.text.count("\n• @") == 5
        assert "Berikutnya" not in said and said.commands == []
        said = chat.send("ani", "/mitra 4")
        assert said.text == "Tidak ada halaman 4: daftar mitra 3 halaman. Contoh: /mitra 3"
        said = chat.send("ani", "/mitra 0")
        assert said.text == "Tidak ada halaman 0: daftar mitra 3 halaman. Contoh: /mitra 3"

    def test_words_search_handles_names_and_regions_and_kinds_in_both_languages(
        self, chat: Chat
    ) -> None:
        self.add_many(chat, 43)
        said = chat.send("ani", "/mitra demak")  # 9 in Demak, and Dinas Sosial Demak
        assert said.text.startswith('Mitra yang cocok dengan "demak" (10):')
        said = chat.send("ani", "/mitra lsm demak")
        assert said.text.startswith('Mitra yang cocok dengan "lsm demak" (5):')
        assert "(komunitas" not in said.text
        said = chat.send("sarah", "/partners ngo demak")
        assert said.text.startswith('Partners matching "ngo demak" (5):')
        said = chat.send("ani", "/mitra yayasan 2")
        assert said.text.startswith('Mitra yang cocok dengan "yayasan" (43), halaman 2 dari 3:')
        assert said.commands == ["partners yayasan 3"]

    def test_no_match_says_what_was_searched_and_a_wildcard_is_a_letter(self, chat: Chat) -> None:
        self.add_many(chat, 3)
        said = chat.send("ani", "/mitra %")
        assert said.text.startswith('Tidak ada mitra yang cocok dengan "%"')
        assert "Semua mitra: /mitra" in said
        said = chat.send("sarah", "/partners o_g")
        assert said.text.startswith('No partner matches "o_g" (handles, names, regions')

    def test_a_partner_contact_lists_only_their_organisation(self, chat: Chat) -> None:
        self.add_many(chat, 30)
        said = chat.send("harjo", "/mitra")
        assert said.text.splitlines()[:2] == [
            "Mitra (1):",
            "• @dinsos — Dinas Sosial Demak (pemerintah)",
        ]
        assert chat.send("harjo", "/mitra yayasan").text.startswith("Tidak ada mitra yang cocok")
