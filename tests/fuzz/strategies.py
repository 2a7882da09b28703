"""Generated values the fuzz tests post: any text, huge pastes, numbers in and out of range, odd
spellings, request bodies mixing real and made-up field names, dates, email addresses (some
longer than any column holds), tokens that must not work."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.core import signing
from hypothesis import strategies as st

from emassess.assessments.forms import MAX_TEXT

LONG_TEXT = 20_000
MAX_BODY = 2_000_000  # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) before any view runs


def texts(**size) -> st.SearchStrategy[str]:
    """Any Unicode text: emoji, right-to-left marks, control characters, NUL."""
    return st.text(st.characters(codec="utf-8"), **size)


def huge_texts() -> st.SearchStrategy[str]:
    """A long paste: a short piece repeated to 2,001-20,000 characters (hypothesis's own text
    strategy seldom goes past a few dozen)."""
    pieces = texts(min_size=1, max_size=3)
    return st.builds(lambda piece, size: (piece * size)[:size], pieces, st.integers(MAX_TEXT + 1, LONG_TEXT))


numbers = st.one_of(
    st.integers(-5, 105), st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True)
).map(str)


# Including digits Python's int() reads but nobody types in a form (Arabic-Indic three, fullwidth zero).
ODD_SPELLINGS = ["", " ", "0", "-0", "+1", "1.0", "1e3", "\u0663", "\uff10", "None", "null", "true", "[]", "{}", "0x10",
                 "<script>alert(1)</script>", "' OR 1=1 --", "a\x00b", "\r\n"]  # fmt: skip


def scalars(*meaningful: str) -> st.SearchStrategy[str]:
    """One posted value: any text, numbers in and out of range, empty, huge, odd spellings, or one
    of the values the field expects."""
    options = [texts(max_size=40), numbers, huge_texts(), st.sampled_from(ODD_SPELLINGS)]
    if meaningful:
        options.append(st.sampled_from(sorted(set(meaningful))))
    return st.one_of(*options)


def values(*meaningful: str):
    """A value or a list of them (a name posted several times, as tick boxes post)."""
    one = scalars(*meaningful)
    return st.one_of(one, st.lists(one, min_size=1, max_size=3))


def fits(data: dict) -> bool:
    return len(urlencode(data, doseq=True)) < MAX_BODY


def bodies(names, meaningful=(), *, valid: dict | None = None):
    """Request bodies mixing the form's real field names with made-up ones. With `valid` (a body
    the form accepts), half of them are a few generated fields over it, so accepted posts are as
    common as rejected ones."""
    name = st.one_of(st.sampled_from(sorted(set(names))), texts(min_size=1, max_size=24))
    generated = st.dictionaries(name, values(*meaningful), max_size=10)
    if valid is not None:
        tweaks = st.dictionaries(name, values(*meaningful), max_size=3)
        generated = st.one_of(generated, tweaks.map(lambda tweak: {**valid, **tweak}))
    return generated.filter(fits)


def dates() -> st.SearchStrategy[str]:
    """Dates as a date input sends them, some in the future, and things that are not dates."""
    return st.one_of(st.dates().map(datetime.date.isoformat), st.sampled_from(["2025-02-29", "2025-13-01", "01/02/2025",
                                                                               "0000-00-00", "2025-3-1"]))  # fmt: skip


def long_emails() -> st.SearchStrategy[str]:
    # Valid addresses on both sides of the 254 characters an email column holds (Django's
    # EmailField alone would take 320).
    return st.integers(1, 310).map(lambda n: "a" * n + "@example.com")


def emails() -> st.SearchStrategy[str]:
    known = ["alice@acme.test", "ALICE@ACME.TEST", " nina@acme.test ", "gus@globex.test", "new@acme.test"]
    return st.one_of(st.emails(), st.sampled_from(known), long_emails(), texts(max_size=30))


def longer_than_any_column(email: str) -> bool:
    """A valid address of long_emails() longer than any column holds (255 characters, django-axes's
    username): what a strategy must still produce, on every database, for the fuzzing to see there."""
    return len(email) > 255 and email.count("@") == 1 and email.endswith("@example.com")


def any_case(email: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(email), max_size=len(email)).map(
        lambda upper: "".join(c.upper() if up else c for c, up in zip(email, upper, strict=True))
    )


def tokens(real: str, salt: str, missing_pk: int) -> st.SearchStrategy[str]:
    """Tokens that must not work: made up, the real one changed by a character, cut short or
    lengthened, signed for another purpose, or signed for a row that is gone."""

    def changed(at: int, char: str) -> str:
        at %= len(real)
        return real[:at] + (char if char != real[at] else "~" if real[at] != "~" else "!") + real[at + 1 :]

    return st.one_of(
        texts(min_size=1, max_size=80),
        st.builds(changed, st.integers(0, 10**6), st.characters(codec="utf-8", exclude_characters="/")),
        st.integers(1, len(real) - 1).map(lambda size: real[:size]),
        texts(min_size=1, max_size=10).map(lambda extra: real + extra),
        st.just(signing.dumps({"invitation": missing_pk, "membership": missing_pk}, salt="another.purpose")),
        st.just(signing.dumps({"invitation": missing_pk, "membership": missing_pk}, salt=salt)),
    ).filter(lambda token: "/" not in token and token != real)


# A people file the import accepts: the start of the tampered ones, and the CSRF test's upload.
GOOD_CSV = (
    "email,name,team,role,role_start_date\n"
    "ada@example.com,Ada Lovelace,Platform,manager-tlm,2025-03-01\n"
    "grace@example.com,Grace Hopper,Platform,report,\n"
)
