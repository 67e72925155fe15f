from hypothesis import given
from hypothesis import strategies as st

from spinscope._pipeline._text import english_share, split_pieces, split_sentences


def test_sentences_split_at_end_marks_and_line_breaks() -> None:
    text = 'He said "No." Then he left!\nWhy? Because.'
    assert [text[a:b] for a, b in split_sentences(text)] == [
        'He said "No."',
        "Then he left!",
        "Why?",
        "Because.",
    ]


def test_sentences_keep_abbreviation_like_lowercase_continuations() -> None:
    text = "It cost 3.5 million, i.e. a lot."
    assert len(split_sentences(text)) == 1


@given(st.text(max_size=200))
def test_sentences_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    last = 0
    for a, b in split_sentences(text):
        assert last <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
        last = b


@given(st.text(alphabet="ab \n", max_size=300), st.integers(1, 50))
def test_pieces_partition_the_text(text: str, limit: int) -> None:
    pieces = split_pieces(text, limit)
    assert "".join(text[a:b] for a, b in pieces) == text
    assert all(0 < b - a <= limit for a, b in pieces)


def test_pieces_prefer_line_breaks() -> None:
    assert split_pieces("aaaa\nbbbb\ncc", 10) == [(0, 10), (10, 12)]


def test_english_share_tells_english_from_other_languages() -> None:
    en = (
        "The minister said that the plan was a disaster for all of the people "
        "who live in the city and for their children."
    )
    es = (
        "El ministro dijo que el plan era un desastre para toda la gente "
        "que vive en la ciudad y para sus hijos pequeños hoy."
    )
    en_share, es_share = english_share(en), english_share(es)
    assert en_share is not None and en_share > 0.25
    assert es_share is not None and es_share < 0.1
    assert english_share("too short") is None
