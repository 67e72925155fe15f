"""A synthetic but readable corpus for the dashboard's browser test and its screenshot.

Seven invented outlets, each with its own propaganda profile, publish articles about
invented local politics over eighteen months; every span covers a real phrase of its
article, so stored pages highlight sensible fragments. Nothing here is real news.
"""

from __future__ import annotations

import random

from spinscope._pipeline._analysis import Span, build_analysis
from spinscope._store import ArticleRecord, Result, Store

MODEL = "demo-model"

# (sentence, the fragment that uses the technique) per technique.
PHRASES: dict[str, list[tuple[str, str]]] = {
    "Loaded_Language": [
        ("The council's reckless and shameful plan will gut the harbour.", "reckless and shameful"),
        ("Critics call the deal a disgraceful betrayal of taxpayers.", "disgraceful betrayal"),
        ("The vote was a brazen power grab dressed up as reform.", "brazen power grab"),
    ],
    "Name_Calling,Labeling": [
        ("The mayor and her cronies met behind closed doors again.", "her cronies"),
        ("These so-called experts have never run a business.", "so-called experts"),
    ],
    "Appeal_to_fear-prejudice": [
        (
            "If the plan goes ahead, our children will not be safe on the streets.",
            "our children will not be safe on the streets",
        ),
        ("Outsiders are waiting to take over the port.", "Outsiders are waiting to take over"),
    ],
    "Doubt": [
        (
            "Can we really trust figures from a department that has misled us before?",
            "Can we really trust figures from a department that has misled us before?",
        ),
    ],
    "Flag-Waving": [
        (
            "Every true patriot knows this harbour belongs to the people.",
            "Every true patriot knows",
        ),
    ],
    "Exaggeration,Minimisation": [
        (
            "It is the worst scandal this city has ever seen.",
            "the worst scandal this city has ever seen",
        ),
        ("The cost overrun is just a rounding error, officials said.", "just a rounding error"),
    ],
    "Repetition": [("Stop the bridge. Stop the bridge now.", "Stop the bridge now")],
    "Slogans": [("Our town, our harbour, our future!", "Our town, our harbour, our future!")],
    "Causal_Oversimplification": [
        (
            "Prices rose for one reason only: the new council.",
            "for one reason only: the new council",
        ),
    ],
    "Appeal_to_Authority": [
        ("Leading economists agree the plan cannot fail.", "Leading economists agree"),
    ],
    "Black-and-White_Fallacy": [
        ("Either you back the bridge or you want this town to die.", "Either you back the bridge"),
    ],
    "Whataboutism,Straw_Men,Red_Herring": [
        ("And what about the opposition's own failed projects?", "what about the opposition's own"),
    ],
    "Thought-terminating_Cliches": [("In the end, it is what it is.", "it is what it is")],
    "Bandwagon,Reductio_ad_hitlerum": [
        (
            "Everyone in town has already signed the petition.",
            "Everyone in town has already signed",
        ),
    ],
}
NEUTRAL = [
    "The council meets again on Thursday.",
    "The project was first proposed three years ago.",
    "Construction would take about three years.",
    "A public consultation is open until the end of the month.",
    "Officials did not respond to a request for comment.",
    "The harbour handles around forty ships a week.",
    "The budget committee will publish its figures in spring.",
    "Local businesses were divided on the proposal.",
]
# Outlet: (share of propaganda sentences, favourite techniques).
OUTLETS: dict[str, tuple[float, list[str]]] = {
    "The Daily Planet": (0.35, ["Loaded_Language", "Exaggeration,Minimisation", "Doubt"]),
    "Harbour Gazette": (0.12, ["Loaded_Language", "Appeal_to_Authority"]),
    "Patriot Voice": (0.6, ["Flag-Waving", "Appeal_to_fear-prejudice", "Slogans"]),
    "Citizen Ledger": (0.2, ["Doubt", "Causal_Oversimplification"]),
    "Metro Morning": (0.28, ["Loaded_Language", "Name_Calling,Labeling", "Repetition"]),
    "Truth Wire": (0.55, ["Name_Calling,Labeling", "Doubt", "Whataboutism,Straw_Men,Red_Herring"]),
    "Coastal Courier": (0.1, ["Appeal_to_Authority", "Black-and-White_Fallacy"]),
}
SUBJECTS = ["Council", "Mayor", "Harbour board", "Opposition", "Residents", "Ministers", "Unions"]
VERBS = ["backs", "rejects", "delays", "defends", "questions", "attacks", "revives"]
OBJECTS = [
    "harbour bridge plan",
    "rates rise",
    "housing bill",
    "port deal",
    "budget cuts",
    "transit upgrade",
    "water contract",
]


def article(rng: random.Random, i: int, month: int) -> tuple[ArticleRecord, list[Span]]:
    """Article ``i``, published in month ``month`` (0 = January 2024)."""
    outlet = rng.choice(list(OUTLETS))
    share, favourites = OUTLETS[outlet]
    # Fear grows as the (invented) vote nears, so the time chart has a story to tell.
    share = min(0.85, share * (0.7 + month / 25))
    title = f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
    text, spans = title + "\n\n", []
    for _ in range(rng.randint(6, 12)):
        if rng.random() < share:
            name = rng.choice(favourites) if rng.random() < 0.7 else rng.choice(list(PHRASES))
            if name == "Appeal_to_fear-prejudice" or rng.random() < month / 60:
                name = rng.choice([name, "Appeal_to_fear-prejudice"])
            sentence, fragment = rng.choice(PHRASES[name])
            start = len(text) + sentence.index(fragment)
            spans.append(Span(start, start + len(fragment), name, rng.uniform(0.35, 0.98)))
        else:
            sentence = rng.choice(NEUTRAL)
        text += sentence + " "
    year, m = divmod(month, 12)
    day = rng.randint(1, 28)
    record = ArticleRecord(
        f"{outlet.lower().replace(' ', '-')}/{2024 + year}/{i:04d}.html",
        text.strip(),
        title,
        outlet,
        f"https://example.org/{i}",
        f"{2024 + year}-{m + 1:02d}-{day:02d}",
    )
    return record, spans


def fill_demo(store: Store, n: int = 360, seed: int = 11) -> None:
    """Store ``n`` demo articles analyzed by :data:`MODEL`."""
    rng = random.Random(seed)
    run = store.start_run(MODEL, "local", 1, ["demo"])
    results = []
    for i in range(n):
        record, spans = article(rng, i, i * 18 // n)
        analysis = build_analysis(record.text, spans, MODEL, 0.3)
        results.append(Result(record, analysis, 0.01))
    store.save(run, results)
    store.finish_run(run, "done", n, 0, 0)
