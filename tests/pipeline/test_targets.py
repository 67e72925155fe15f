"""Targets: whom a fragment aims at (the rules on hand-made sentences, and properties over
generated texts), and the mentions they are chosen from."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from spinscope._pipeline import AIMED, MAX_GAP, Span, Target, targets
from spinscope._pipeline._mentions import PRONOUNS, mentions

NAMES = ["Juan Guaido", "Nicolas Maduro", "FBI", "Pope Francis", "the Democrats", "Trump"]
WORDS = ["the", "US", "stooge", "lied", "said", "he", "they", "and", "liberals", "media", "a"]
WORDS += ["corrupt", "Mr.", "“traitor”", "Monday", "(D-Calif.)", "\n", ",", ".", "The", "was"]
TECHNIQUES = [*sorted(AIMED), "Slogans", "Repetition"]


def aim(text: str, start: int, end: int, technique: str = "Name_Calling,Labeling") -> str | None:
    """The target's text of one span of ``text``."""
    (found,) = targets(text, [Span(start, end, technique, 0.9)])
    return None if found is None else found.text


def at(text: str, fragment: str, technique: str = "Name_Calling,Labeling") -> str | None:
    """The target's text of the first occurrence of ``fragment`` in ``text``."""
    start = text.index(fragment)
    return aim(text, start, start + len(fragment), technique)


def test_the_name_in_apposition_before_a_label() -> None:
    text = "Rodriguez added that Juan Guaido, the US stooge who declared himself president, lied."
    assert at(text, "stooge") == "Juan Guaido"
    assert at(text, "US stooge") == "Juan Guaido"


def test_a_name_inside_the_fragment() -> None:
    text = "Worse, it emboldened the mullahs, who seemed to revel in Obama’s groveling."
    assert at(text, "Obama’s groveling", "Loaded_Language") == "Obama"
    assert at("Not with the corrupt DOJ and FBI we have.", "the corrupt DOJ and FBI") == "DOJ"


def test_a_name_right_after_the_label() -> None:
    assert at("What of that prophet? The tyrant Ahab called him so.", "The tyrant") == "Ahab"
    text = "Would it not be easier for grand deal-maker Trump to recognize North Korea?"
    assert at(text, "grand deal-maker") == "Trump"


def test_words_in_quotation_marks_or_describing_a_noun_are_the_label() -> None:
    text = "He was heard calling Halimi “Satan” shortly before."
    assert at(text, "“Satan”") == "Halimi"
    text = "It was spying by Muslim IT spy Imran Awan and his partners."
    assert at(text, "Muslim IT spy") == "Imran Awan"


def test_the_nearest_mention_of_the_sentence_or_the_one_before() -> None:
    text = "Yet another Obama deal with Iran came out. The question is how many more are there?"
    assert at(text, "how many more are there", "Doubt") == "Iran"
    text = "The Democrats paid for the dossier. Disgraceful!"
    assert at(text, "Disgraceful", "Loaded_Language") == "Democrats"


def test_a_group_noun_with_its_modifier() -> None:
    text = "While the mainstream media has largely ignored it, the scandal grows."
    assert at(text, "largely ignored it", "Loaded_Language") == "mainstream media"


def test_a_pronoun_stands_for_the_name_before_it() -> None:
    text = "Ann Lee blamed the FBI. She offered no evidence for her grave allegations."
    assert at(text, "She offered no evidence", "Doubt") == "Ann Lee"  # a person, not the FBI
    text = "The liberals met Ann Lee on Monday. They were panicking about it."
    assert at(text, "panicking", "Loaded_Language") == "liberals"  # a group


def test_none_for_other_techniques_far_mentions_or_no_one() -> None:
    assert at("Juan Guaido says: make America great again!", "make America", "Slogans") is None
    far = "Maduro spoke." + " and then" * (MAX_GAP // 9 + 2) + " it was a bloodbath."
    assert at(far, "bloodbath", "Loaded_Language") is None
    assert at("It was a horrible, horrible day.", "horrible", "Loaded_Language") is None


def test_a_lone_surname_is_named_in_full() -> None:
    text = "Juan Guaido spoke on Monday. Later, Guaido lied again and again."
    start = text.index("lied")
    (found,) = targets(text, [Span(start, start + 4, "Loaded_Language", 0.9)])
    assert found == Target(36, 42, "Guaido", "Juan Guaido")
    assert found.to_dict() == {"start": 36, "end": 42, "text": "Guaido", "name": "Juan Guaido"}


def test_mentions_of_a_text() -> None:
    text = (
        "It was a TOTAL HOAX, they said. The Senate Democrats and the angry Muslim migrants "
        "met with Rep. Ann Lee (D-Calif.) about the Catholic history of the city."
    )
    found = [(text[m.start : m.end], m.kind) for m in mentions(text)]
    assert found == [
        ("they", "pronoun"),
        ("Senate Democrats", "name"),
        ("Muslim migrants", "group"),
        ("Ann Lee", "name"),
    ]


texts = st.lists(st.sampled_from(NAMES + WORDS), min_size=1, max_size=40).map(" ".join)


@st.composite
def articles(draw: st.DrawFn) -> tuple[str, list[Span]]:
    text = draw(texts)
    n = len(text)
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        spans.append(Span(start, end, draw(st.sampled_from(TECHNIQUES)), 0.5))
    return text, spans


@settings(max_examples=300, deadline=None)
@given(articles())
def test_targets_are_mentions_inside_the_text(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    found = targets(text, spans)
    assert len(found) == len(spans)
    ranges = {(m.start, m.end) for m in mentions(text) if m.kind != "pronoun"}
    for span, target in zip(spans, found, strict=True):
        if span.technique not in AIMED:
            assert target is None
        if target is None:
            continue
        assert 0 <= target.start < target.end <= len(text)
        assert text[target.start : target.end] == target.text
        assert (target.start, target.end) in ranges  # a name or a group, never a pronoun
        assert target.text.lower() not in PRONOUNS and target.shown.strip() == target.shown
        assert target.shown  # something to show: "aims at ..."


@settings(max_examples=200, deadline=None)
@given(articles())
def test_each_span_gets_its_target_whatever_the_others(case: tuple[str, list[Span]]) -> None:
    text, spans = case
    alone = [targets(text, [s])[0] for s in spans]
    assert targets(text, spans) == alone


@settings(max_examples=300, deadline=None)
@given(texts)
def test_mentions_are_ordered_disjoint_and_whole_words(text: str) -> None:
    found = mentions(text)
    assert found == sorted(found)
    for m, after in itertools.pairwise(found):
        assert m.end <= after.start
    for m in found:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start].isalpha() and not text[m.start - 1 : m.start].isalnum()
        assert not text[m.end : m.end + 1].isalnum() or text[m.end - 1] in "’'"
