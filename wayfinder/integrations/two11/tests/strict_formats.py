"""Format checks as strict as the tools that read our exports.

jsonschema's own ``uri`` check needs a package we do not install and its ``email``
check only looks for an ``@``; frictionless (rfc3986, validators) and the Open
Referral UK validator (.NET) are stricter. The tests hold our exports to these.
"""

from __future__ import annotations

import jsonschema
import rfc3986
import validators


def is_uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if any(ch.isspace() for ch in value):
        return False
    uri = rfc3986.uri_reference(value)
    checker = (
        rfc3986.validators.Validator()
        .require_presence_of("scheme", "host")
        .check_validity_of("scheme", "userinfo", "host", "port", "path", "query", "fragment")
    )
    try:
        checker.validate(uri)
    except rfc3986.exceptions.ValidationError:
        return False
    return True


def is_email(value: object) -> bool:
    return not isinstance(value, str) or bool(validators.email(value))


def checker() -> jsonschema.FormatChecker:
    formats = jsonschema.FormatChecker()
    formats.checks("uri")(is_uri)
    formats.checks("email")(is_email)
    return formats
