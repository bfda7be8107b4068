"""Certificate names compare exactly as asn1crypto compares them, with the string preparation
done once per distinct encoding (verifier/patches/nameprep.py, in place after install())."""

from __future__ import annotations

import unicodedata

import pytest
from asn1crypto import x509

from verifier.patches import install, nameprep


def name(**attrs) -> x509.Name:
    return x509.Name.build(attrs)


CASES = [
    ({"common_name": "Sở Giáo dục và Đào tạo"}, {"common_name": "SỞ GIÁO DỤC VÀ ĐÀO TẠO"}),
    ({"common_name": "Trịnh  Văn Nam"}, {"common_name": "trịnh văn nam"}),
    ({"common_name": unicodedata.normalize("NFD", "Hoà Bình")}, {"common_name": "Hoà Bình"}),
    ({"common_name": "Hòa Bình"}, {"common_name": "Hoà Bình"}),
    ({"common_name": "UBND tỉnh Bình Phước", "organization_name": "Ban Cơ yếu"}, {"common_name": "UBND tỉnh Bình Phước"}),
    ({"common_name": "A", "country_name": "VN"}, {"country_name": "VN", "common_name": "a"}),
    ({"common_name": "TEST CA"}, {"common_name": "TEST CA G2"}),
]


@pytest.mark.parametrize("left,right", CASES)
def test_names_compare_and_hash_as_asn1crypto_prepares_them(left, right):
    assert install()  # asn1crypto compares through the memoised preparation, as in every kyso process
    a, b = name(**left), name(**right)
    expected_values = [nameprep._values_of(rdn, rdn) for rdn in a.chosen], [nameprep._values_of(rdn, rdn) for rdn in b.chosen]
    expected_equal = len(a.chosen) == len(b.chosen) and all(
        set(x) == set(y) and all(x[k] == y[k] for k in x) for x, y in zip(*expected_values))
    assert (a == b) is expected_equal
    assert (a.hashable == b.hashable) is expected_equal
    assert [rdn._get_values(rdn) for rdn in a.chosen] == expected_values[0]


def test_each_distinct_name_is_prepared_once():
    assert install()
    calls = []
    original = nameprep._values_of

    def counting(self, rdn):
        calls.append(rdn.dump())
        return original(self, rdn)

    nameprep._prepared.clear()
    nameprep._values_of = counting
    try:
        issuer = name(common_name="TEST CA phục vụ các cơ quan Nhà nước G2")
        for _ in range(50):
            assert issuer == name(common_name="TEST CA phục vụ các cơ quan Nhà nước G2")
            assert issuer.hashable
    finally:
        nameprep._values_of = original
    assert len(calls) == 1


def test_the_memo_is_bounded():
    assert install()
    nameprep._prepared.clear()
    for i in range(nameprep.MAX_ENTRIES + 10):
        nameprep._prepared[i.to_bytes(4, "big")] = {}
    name(common_name="one more") == name(common_name="one more")  # noqa: B015
    assert len(nameprep._prepared) <= nameprep.MAX_ENTRIES
