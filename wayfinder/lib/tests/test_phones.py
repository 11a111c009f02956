from wayfinder.lib.phones import us_e164


def test_us_numbers_written_any_way_become_e164():
    assert us_e164("(859) 555-0100") == "+18595550100"
    assert us_e164("1-859-555-0100") == "+18595550100"
    assert us_e164("+1 859 555 0100") == "+18595550100"


def test_anything_but_ten_digits_is_refused():
    for value in ("", "12", "555-0100", "44 20 7946 0958 12", "2-859-555-0100"):
        assert us_e164(value) == ""
