from secreview import cwe


def test_lookup_names_a_weakness_from_the_catalog():
    entry = cwe.lookup(89)
    assert entry.name.startswith("Improper Neutralization of Special Elements used in an SQL Command")
    assert entry.kind == "Base"
    assert "SQL command" in entry.description


def test_chain_follows_primary_parents_up_to_the_pillar():
    assert cwe.chain_to_pillar(89) == [89, 943, 74, 707]
    assert cwe.pillar(89) == 707
    assert cwe.pillar(120) == 664


def test_family_is_ancestry_without_pillars():
    assert cwe.same_family(328, 327)  # 328 ChildOf 327
    assert cwe.same_family(327, 328)
    assert cwe.same_family(338, 330)
    assert not cwe.same_family(330, 327)  # they only meet at pillar 693
    assert not cwe.same_family(79, 89)  # siblings under 74


def test_a_chain_is_of_one_family_with_its_links():
    """The catalog's chains: 690 is 252 leading to 476, 680 is 190 leading to 119 (and so to 121)."""
    assert cwe.same_family(690, 476) and cwe.same_family(476, 690)
    assert cwe.same_family(680, 121) and cwe.same_family(190, 680)
    assert not cwe.same_family(690, 89)
    assert not cwe.same_family(476, 252)  # the links themselves stay apart


def test_categories_are_known_but_are_not_weaknesses():
    assert cwe.lookup(16).kind == "Category"
    assert not cwe.is_weakness(16)
    assert cwe.pillar(16) is None


def test_unknown_ids_raise():
    try:
        cwe.lookup(999_999)
    except cwe.UnknownCweError:
        return
    raise AssertionError("expected UnknownCweError")


def test_short_name_uses_the_catalog_short_form():
    assert cwe.short_name(89) == "SQL Injection"
    assert cwe.short_name(502) == "Deserialization of Untrusted Data"
