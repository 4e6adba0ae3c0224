import pytest

from knowledge.operations.units import display_unit, normalize_unit, same_unit, split_units


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Bappeda Prov. Jabar", "Bappeda Provinsi Jawa Barat"),
        ("Bappeda Prov. Jabar", "BAPPEDA PROVINSI JAWA BARAT"),
        ("Bappeda Jabar", "Bappeda Provinsi Jawa Barat"),
        ("Bappeda Prop. Jatim", "bappeda provinsi jawa timur"),
        ("Pemprov DKI", "Pemerintah Provinsi DKI Jakarta"),
        ("Pemda Jabar", "Pemerintah Daerah Provinsi Jawa Barat"),
        ("Prov. DIY", "Provinsi Daerah Istimewa Yogyakarta"),
        ("Provinsi D.I. Yogyakarta", "Provinsi Yogyakarta"),
        ("Ditjen Bina Adwil Kemendagri", "Direktorat Jenderal Bina Administrasi Kewilayahan Kementerian Dalam Negeri"),
        ("Biro Pemerintahan Setda Prov. Sulsel", "Biro Pemerintahan Sekretariat Daerah Provinsi Sulawesi Selatan"),
        ("Kemenkeu", "KEMENTERIAN KEUANGAN"),
        ("Dit. Dekonsentrasi", "Direktorat Dekonsentrasi"),
        ("Bappeda Kab./Kota", "BAPPEDA KABUPATEN/KOTA"),
        ("Sekretariat Rakor (Sdr. Budi Santoso)", "Sekretariat Rakor"),
        ("K/L", "Kementerian/Lembaga"),
    ],
)
def test_spellings_of_the_same_unit_are_equal(a: str, b: str) -> None:
    assert same_unit(a, b)
    assert normalize_unit(a) == normalize_unit(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kab. Bandung", "Kota Bandung"),
        ("Bappeda Jabar", "Bappeda Jateng"),
        ("Kota Yogyakarta", "Provinsi DIY"),
        ("Kemendagri", "Kemenkeu"),
        ("", ""),
    ],
)
def test_different_units_are_not_equal(a: str, b: str) -> None:
    assert not same_unit(a, b)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Bappeda Prov. Jabar", "Bappeda Provinsi Jawa Barat"),
        ("BAPPEDA PROVINSI JAWA BARAT", "Bappeda Provinsi Jawa Barat"),
        ("bappeda prov. ntb", "Bappeda Provinsi Nusa Tenggara Barat"),
        ("Ditjen Bina Adwil", "Direktorat Jenderal Bina Administrasi Kewilayahan"),
        ("Pemprov Kaltim", "Pemerintah Provinsi Kalimantan Timur"),
        (
            "Kemendagri c.q. Ditjen Bina Adwil",
            "Kementerian Dalam Negeri c.q. Direktorat Jenderal Bina Administrasi Kewilayahan",
        ),
        ("Kementerian PPN/Bappenas", "Kementerian PPN/Bappenas"),
        ("  Bappeda   Kota Bandung ", "Bappeda Kota Bandung"),
    ],
)
def test_display_form(raw: str, shown: str) -> None:
    assert display_unit(raw) == shown


def test_split_several_units() -> None:
    three = split_units("Bappeda Jabar, Bappeda Jateng dan Kemendagri")
    assert three == ["Bappeda Jabar", "Bappeda Jateng", "Kemendagri"]
    two = split_units("Bappeda Prov. Jabar; Biro Pemerintahan Setda")
    assert two == ["Bappeda Prov. Jabar", "Biro Pemerintahan Setda"]


def test_split_keeps_names_that_contain_dan_or_commas() -> None:
    assert split_units("Dinas Kependudukan dan Pencatatan Sipil") == ["Dinas Kependudukan dan Pencatatan Sipil"]
    name = "Direktorat Dekonsentrasi, Tugas Pembantuan, dan Kerja Sama"
    assert split_units(name) == [name]
