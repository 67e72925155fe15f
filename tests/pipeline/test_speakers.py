"""Speaker names: pronouns and partial names resolved to the nearest earlier full name
(property tests over generated texts, and the rules on hand-made sentences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from spinscope._pipeline import PRONOUNS, Mention, names, resolve, speakers

FIRST = ["Nicolas", "Jorge", "Ann", "Raul", "Ivan"]
LAST = ["Maduro", "Rodriguez", "Lee", "Baduel", "Duque"]
FILLER = ["the", "minister", "spoke", "on", "Tuesday.", "police", "and", "said", "that"]

full_names = st.builds(lambda f, last: f"{f} {last}", st.sampled_from(FIRST), st.sampled_from(LAST))
filler = st.lists(st.sampled_from(FILLER), max_size=6).map(" ".join)


def test_names_are_runs_of_capitalised_words_on_one_line() -> None:
    text = "The minister Jorge Rodriguez met\nNicolas Maduro and YET ANOTHER Raul Isaias Baduel."
    assert [(m.start, m.name) for m in names(text)] == [
        (13, "Jorge Rodriguez"),
        (33, "Nicolas Maduro"),
        (64, "Raul Isaias Baduel"),
    ]


def test_a_line_break_or_punctuation_ends_a_name() -> None:
    assert names("Jorge\nRodriguez, Ann. Lee") == []
    assert [m.name for m in names("George W. Bush’s aide")] == ["George W. Bush"]


def test_sentence_openers_are_not_part_of_a_name() -> None:
    assert [m.name for m in names("But Nicolas Maduro said. The Minister spoke.")] == [
        "Nicolas Maduro"
    ]


@given(st.lists(st.tuples(filler, full_names), min_size=1, max_size=5), filler)
def test_a_pronoun_resolves_to_the_nearest_earlier_name(
    parts: list[tuple[str, str]], tail: str
) -> None:
    text = " ".join(f"{words} {name} spoke." for words, name in parts) + f" {tail} he said"
    start = text.rindex("he said")
    (speaker,) = speakers(text, [(start, start + 2)])
    assert speaker == parts[-1][1]


@given(st.lists(full_names, min_size=1, max_size=5), filler)
def test_a_partial_name_resolves_to_the_nearest_full_name_holding_it(
    people: list[str], tail: str
) -> None:
    text = ". ".join(people) + f". {tail} "
    last = people[-1].split()[1]
    start = len(text)
    text += f"{last} said"
    (speaker,) = speakers(text, [(start, start + len(last))])
    assert speaker == next(p for p in reversed(people) if last in p.split())


@given(st.sampled_from(sorted(PRONOUNS)), filler)
def test_with_nothing_before_it_a_source_stays_as_written(pronoun: str, words: str) -> None:
    text = f"{pronoun} said {words}"
    assert speakers(text, [(0, len(pronoun))]) == [pronoun]


@given(st.lists(st.one_of(full_names, filler), max_size=6))
def test_every_speaker_is_a_source_or_a_name_of_the_text(parts: list[str]) -> None:
    text = " ".join([*parts, "she said"])
    start = text.rindex("she")
    (speaker,) = speakers(text, [(start, start + 3)])
    assert speaker == "she" or speaker in {m.name for m in names(text)}


def test_a_pronoun_can_resolve_to_an_earlier_source_as_resolved() -> None:
    text = "Nicolas Maduro spoke. Later Maduro said no. Then he said yes."
    maduro, he = text.index("Maduro said"), text.index("he said")
    assert speakers(text, [(maduro, maduro + 6), (he, he + 2)]) == ["Nicolas Maduro"] * 2


def test_names_inside_the_attributions_own_content_are_skipped() -> None:
    text = 'Jorge Rodriguez spoke. "We fear Ivan Duque," he said.'
    content = (text.index('"'), text.rindex('"') + 1)
    he = text.index("he said")
    assert speakers(text, [(he, he + 2)], [[content]]) == ["Jorge Rodriguez"]
    assert speakers(text, [(he, he + 2)]) == ["Ivan Duque"]


def test_other_sources_stay_as_written_with_whitespace_collapsed() -> None:
    text = "The  Venezuelan\ngovernment said it. Maduro’s aides said so."
    aides = text.index("Maduro’s")
    assert speakers(text, [(0, 26), (aides, aides + 8), None]) == [
        "The Venezuelan government",
        "Maduro",
        None,
    ]


def test_first_person_sources_are_not_resolved() -> None:
    text = "Nicolas Maduro spoke. I said no."
    i = text.index("I said")
    assert speakers(text, [(i, i + 1)]) == ["I"]


def test_mentions_far_back_are_not_read() -> None:
    from spinscope._pipeline._speakers import LOOK_BACK

    earlier = [Mention(0, "Nicolas Maduro")]
    assert resolve("he", LOOK_BACK + 10, earlier) == "he"
    assert resolve("he", LOOK_BACK - 10, earlier) == "Nicolas Maduro"
