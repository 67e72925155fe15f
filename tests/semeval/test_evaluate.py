from spinscope import Corpus, Label
from spinscope._semeval._evaluate import (
    classify_labels,
    evaluate,
    format_scores,
    line_baseline,
    most_frequent_technique,
)

from ..fakes import fake_model


def test_line_baseline_makes_one_span_per_non_empty_line() -> None:
    spans = line_baseline({"7": "Title\n\n  \nBody line\n"}, "Doubt")
    assert [(s.start, s.end, s.technique) for s in spans] == [(0, 5, "Doubt"), (10, 19, "Doubt")]


def test_most_frequent_technique() -> None:
    labels = [Label("1", 0, 1, "Doubt"), Label("1", 2, 3, "Slogans"), Label("2", 0, 1, "Doubt")]
    assert most_frequent_technique(labels) == "Doubt"


def test_classify_gives_the_k_best_techniques_to_a_span_listed_k_times() -> None:
    text = "They are traitors and traitors."
    spans = [Label("1", 9, 17, "?"), Label("1", 9, 17, "?")]
    got = classify_labels(fake_model(), {"1": text}, spans)
    assert got[0].technique != got[1].technique
    assert got[0].technique == "Repetition"


def test_evaluate_reports_model_and_baselines() -> None:
    text = "Title line\nThey are traitors and liars, we say.\n"
    gold = [Label("1", 20, 28, "Loaded_Language"), Label("1", 33, 38, "Loaded_Language")]
    report = evaluate(fake_model(), Corpus({"1": text}, gold))
    assert report.si.f1 == 1.0 and report.e2e.micro.f1 == 1.0 and report.tc.micro.f1 == 1.0
    assert report.si_baseline.f1 < 1.0
    table = format_scores(report)
    assert "SI F1" in table and "Loaded language" in table
