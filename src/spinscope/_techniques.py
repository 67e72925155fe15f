"""The 14 propaganda techniques of the SemEval-2020 Task 11 inventory.

Names are spelled exactly as in the corpus labels; definitions and examples are our own.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import UnknownTechniqueError


@dataclass(frozen=True)
class Technique:
    """One propaganda technique.

    Attributes:
        name: The label as it appears in SemEval-2020 Task 11 files.
        title: A short human-readable name.
        definition: A plain-language definition.
        example: A short invented example.
        color: A CSS hex colour used in every rendering.
    """

    name: str
    title: str
    definition: str
    example: str
    color: str


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        "Appeal_to_Authority",
        "Appeal to authority",
        "Claims something is true because an expert, official or famous person says so, "
        "without the evidence itself.",
        "Top scientists agree the plan is flawless, so there is nothing left to debate.",
        "#1f77b4",
    ),
    Technique(
        "Appeal_to_fear-prejudice",
        "Appeal to fear or prejudice",
        "Builds support or opposition by stirring anxiety, panic or existing prejudice "
        "instead of weighing the facts.",
        "If this bill passes, your children will not be safe walking to school.",
        "#d62728",
    ),
    Technique(
        "Bandwagon,Reductio_ad_hitlerum",
        "Bandwagon / Reductio ad Hitlerum",
        "Urges you to agree because everyone else does, or to reject an idea because a "
        "hated group is said to hold it.",
        "Every sensible family in town has already signed up; only extremists refuse.",
        "#8c564b",
    ),
    Technique(
        "Black-and-White_Fallacy",
        "Black-and-white fallacy",
        "Presents two options as the only ones possible when more exist, often with one "
        "of them plainly unacceptable.",
        "Either you back the mayor's budget or you want the city to go bankrupt.",
        "#7f7f7f",
    ),
    Technique(
        "Causal_Oversimplification",
        "Causal oversimplification",
        "Blames a complex outcome on a single cause, or one cause alone, ignoring the "
        "other factors involved.",
        "Crime went up the week the new library opened, so the library caused it.",
        "#bcbd22",
    ),
    Technique(
        "Doubt",
        "Doubt",
        "Questions the credibility of a person or institution to undermine them, "
        "without showing that the doubt is deserved.",
        "Can we really trust a minister who once forgot his own phone number?",
        "#17becf",
    ),
    Technique(
        "Exaggeration,Minimisation",
        "Exaggeration / minimisation",
        "Makes something look far larger, better or worse than it is, or dismisses "
        "something important as trivial.",
        "The new tax is the greatest theft in the history of mankind.",
        "#ff7f0e",
    ),
    Technique(
        "Flag-Waving",
        "Flag-waving",
        "Leans on patriotism or group identity to justify an idea or action.",
        "Any true patriot will support this pipeline for the sake of our nation.",
        "#2ca02c",
    ),
    Technique(
        "Loaded_Language",
        "Loaded language",
        "Uses words or phrases with strong emotional charge to sway the reader rather "
        "than to describe.",
        "The council's disastrous, shameful scheme will wreck our beloved park.",
        "#e377c2",
    ),
    Technique(
        "Name_Calling,Labeling",
        "Name calling / labeling",
        "Attaches an insulting or flattering label to a person or group so the label "
        "does the arguing.",
        "The so-called experts at the ministry have failed again.",
        "#9467bd",
    ),
    Technique(
        "Repetition",
        "Repetition",
        "Repeats the same word, phrase or message again and again so that it sticks "
        "and feels true.",
        "Jobs, jobs, jobs: this plan is about jobs.",
        "#aec7e8",
    ),
    Technique(
        "Slogans",
        "Slogans",
        "A brief, catchy phrase that stands in for an argument, often a call to action.",
        "Take back our streets!",
        "#ffbb78",
    ),
    Technique(
        "Thought-terminating_Cliches",
        "Thought-terminating cliché",
        "A stock phrase that discourages further thought or discussion on the topic.",
        "It is what it is, and that's the end of it.",
        "#98df8a",
    ),
    Technique(
        "Whataboutism,Straw_Men,Red_Herring",
        "Whataboutism / straw man / red herring",
        "Deflects a criticism by pointing to someone else's faults, distorts the other "
        "side's position, or changes the subject.",
        "Why worry about our emissions when other countries pollute far more?",
        "#c49c94",
    ),
)

TECHNIQUE_NAMES: tuple[str, ...] = tuple(t.name for t in TECHNIQUES)

_BY_KEY = {t.name.lower(): t for t in TECHNIQUES}


def get_technique(name: str) -> Technique:
    """Look a technique up by its label, case-insensitively.

    Also accepts any one part of a combined label (``"Straw_Men"``) or its title.

    Example:
        >>> get_technique("loaded_language").title
        'Loaded language'
    """
    key = name.strip().lower()
    if key in _BY_KEY:
        return _BY_KEY[key]
    for t in TECHNIQUES:
        parts = [p.lower() for p in t.name.split(",")]
        if key in parts or key == t.title.lower():
            return t
    raise UnknownTechniqueError(f"unknown technique {name!r}; known: {', '.join(TECHNIQUE_NAMES)}")


def techniques_json() -> list[dict[str, str]]:
    """The 14 techniques as JSON-ready dicts: name, title, definition, example, color.

    Example:
        >>> techniques_json()[0]["name"]
        'Appeal_to_Authority'
    """
    return [t.__dict__.copy() for t in TECHNIQUES]
