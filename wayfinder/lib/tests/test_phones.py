from wayfinder.lib.phones import format_us, us_e164


def test_us_numbers_written_any_way_become_e164():
    assert us_e164("(859) 555-0100") == "+18595550100"
    assert us_e164("1-859-555-0100") == "+18595550100"
    assert us_e164("+1 859 555 0100") == "+18595550100"


def test_anything_but_ten_digits_is_refused():
    for value in ("", "12", "12345", "555-0100", "44 20 7946 0958 12", "2-859-555-0100"):
        assert us_e164(value) == ""


def test_numbers_that_cannot_exist_are_refused():
    # Area codes and exchanges start with 2-9 and are never N11 service codes.
    for value in ("123-456-7890", "059-555-0100", "911-555-0100", "859-155-0100", "859-911-0100", "0000000000"):
        assert us_e164(value) == "", value


def test_numbers_are_shown_the_way_people_write_them():
    assert format_us("8595550142") == "(859) 555-0142"
    assert format_us("+18595550142") == "(859) 555-0142"
    assert format_us("859.555.0142") == "(859) 555-0142"
    assert format_us("859-555-0142 ext 12") == "859-555-0142 ext 12"
    assert format_us("12345") == "12345"
    assert format_us("") == ""
