from __future__ import annotations

import pytest

from spinscope import Label, score_e2e, score_si, score_tc


def L(aid: str, start: int, end: int, tech: str | None = None) -> Label:
    return Label(aid, start, end, tech)


def test_si_exact_match_scores_one() -> None:
    gold = [L("1", 0, 10)]
    s = score_si(gold, [L("1", 0, 10)])
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_si_partial_overlap_credit() -> None:
    # pred [5,15) vs gold [0,10): 5 shared chars; P = 5/10, R = 5/10.
    s = score_si([L("1", 0, 10)], [L("1", 5, 15)])
    assert s.precision == pytest.approx(0.5)
    assert s.recall == pytest.approx(0.5)


def test_si_merges_overlapping_gold_and_keeps_touching_apart() -> None:
    gold = [L("1", 0, 6), L("1", 4, 10), L("1", 10, 20)]
    # gold merges to [0,10) and [10,20): two spans; pred [0,20) covers both.
    s = score_si(gold, [L("1", 0, 20)])
    assert s.n_gold == 2
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(2.0 / 2)


def test_si_merges_overlapping_predictions() -> None:
    s = score_si([L("1", 0, 10)], [L("1", 0, 6), L("1", 4, 10)])
    assert s.n_pred == 1 and s.f1 == pytest.approx(1.0)


def test_si_articles_without_prediction_count_for_recall() -> None:
    gold = [L("1", 0, 10), L("2", 0, 10)]
    s = score_si(gold, [L("1", 0, 10)])
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.5)
    assert s.f1 == pytest.approx(2 / 3)


def test_si_hand_computed_mixed_case() -> None:
    gold = [L("1", 0, 10), L("1", 20, 30)]
    pred = [L("1", 0, 5), L("1", 25, 45), L("2", 0, 4)]
    # P sum: 5/5 + 5/20 + 0 = 1.25 over 3; R sum: 5/10 + 5/10 = 1.0 over 2.
    s = score_si(gold, pred)
    assert s.precision == pytest.approx(1.25 / 3)
    assert s.recall == pytest.approx(0.5)


def test_si_no_predictions_is_zero() -> None:
    assert score_si([L("1", 0, 10)], []).f1 == 0.0


def test_tc_micro_f1_is_share_labelled_right() -> None:
    gold = [L("1", 0, 4, "Doubt"), L("1", 5, 9, "Slogans"), L("2", 0, 3, "Repetition")]
    pred = [L("1", 0, 4, "Doubt"), L("1", 5, 9, "Doubt"), L("2", 0, 3, "Repetition")]
    assert score_tc(gold, pred).micro.f1 == pytest.approx(2 / 3)


def test_tc_multi_label_spans_are_matched_to_maximise_agreement() -> None:
    gold = [L("1", 0, 4, "Doubt"), L("1", 0, 4, "Slogans")]
    pred_swapped = [L("1", 0, 4, "Slogans"), L("1", 0, 4, "Doubt")]
    assert score_tc(gold, pred_swapped).micro.f1 == pytest.approx(1.0)
    pred_twice = [L("1", 0, 4, "Doubt"), L("1", 0, 4, "Doubt")]
    assert score_tc(gold, pred_twice).micro.f1 == pytest.approx(0.5)


def test_tc_per_technique_figures() -> None:
    gold = [L("1", 0, 4, "Doubt"), L("1", 5, 9, "Slogans")]
    pred = [L("1", 0, 4, "Doubt"), L("1", 5, 9, "Doubt")]
    per = score_tc(gold, pred).per_technique
    assert per["Doubt"].precision == pytest.approx(0.5)
    assert per["Doubt"].recall == pytest.approx(1.0)
    assert per["Slogans"].f1 == 0.0


def test_e2e_credits_only_the_same_technique() -> None:
    gold = [L("1", 0, 10, "Doubt")]
    assert score_e2e(gold, [L("1", 0, 10, "Slogans")]).micro.f1 == 0.0
    assert score_e2e(gold, [L("1", 0, 10, "Doubt")]).micro.f1 == pytest.approx(1.0)


def test_e2e_micro_sums_and_macro_averages() -> None:
    gold = [L("1", 0, 10, "Doubt"), L("1", 20, 30, "Slogans")]
    pred = [L("1", 0, 10, "Doubt"), L("1", 20, 25, "Slogans"), L("1", 40, 50, "Slogans")]
    s = score_e2e(gold, pred)
    # Doubt: P 1, R 1. Slogans: P sum 1 (5/5 + 0) over 2, R sum 0.5 over 1.
    assert s.micro.precision == pytest.approx((1 + 1) / 3)
    assert s.micro.recall == pytest.approx((1 + 0.5) / 2)
    slogans_f1 = 2 * 0.5 * 0.5 / (0.5 + 0.5)
    assert s.macro_f1 == pytest.approx((1.0 + slogans_f1) / 2)
    assert s.per_technique["Slogans"].f1 == pytest.approx(slogans_f1)


def test_e2e_overlapping_techniques_are_scored_apart() -> None:
    gold = [L("1", 0, 30, "Doubt"), L("1", 5, 10, "Loaded_Language")]
    pred = [L("1", 0, 30, "Doubt"), L("1", 5, 10, "Loaded_Language")]
    assert score_e2e(gold, pred).micro.f1 == pytest.approx(1.0)
