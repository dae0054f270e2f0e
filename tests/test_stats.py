import random

import pytest

from harness.metrics.stats import bootstrap_ci, mcnemar_exact, paired_bootstrap_delta


def mean(xs):
    return {"mean": sum(xs) / len(xs)}


@pytest.mark.parametrize("b, c, p", [
    (1, 9, 22 / 1024),  # 2 * (C(10,0) + C(10,1)) / 2^10 = 0.0215
    (9, 1, 22 / 1024),
    (0, 6, 2 / 64),
    (3, 12, 2 * (1 + 15 + 105 + 455) / 2**15),
    (5, 5, 1.0),
    (0, 0, 1.0),
])
def test_mcnemar_exact_matches_hand_computed_tables(b, c, p):
    result = mcnemar_exact(b, c)
    assert (result.b, result.c) == (b, c)
    assert result.p_value == pytest.approx(p, rel=1e-12)


def test_mcnemar_rejects_negative_counts():
    with pytest.raises(ValueError, match="b=-1"):
        mcnemar_exact(-1, 3)


def test_bootstrap_ci_covers_the_true_mean_about_95_percent_of_the_time():
    rng = random.Random(1)
    covered = 0
    trials = 150
    for t in range(trials):
        data = [float(rng.random() < 0.3) for _ in range(60)]
        low, high = bootstrap_ci(data, mean, n_resamples=200, seed=t)["mean"]
        covered += low <= 0.3 <= high
    assert 0.89 <= covered / trials <= 0.99


def test_paired_delta_ci_covers_the_true_difference_and_beats_unpaired_width():
    rng = random.Random(2)
    covered, paired_width, unpaired_width = 0, 0.0, 0.0
    trials = 100
    for t in range(trials):
        a = [float(rng.random() < 0.5) for _ in range(80)]
        # B fixes a wrong answer with prob 0.3 and breaks a right one with prob 0.1: true delta 0.5*0.3-0.5*0.1 = 0.1
        b = [1.0 if (x == 0 and rng.random() < 0.3) else 0.0 if (x == 1 and rng.random() < 0.1) else x for x in a]
        d = paired_bootstrap_delta(a, b, mean, n_resamples=200, seed=t)["mean"]
        assert d.delta == pytest.approx(sum(b) / 80 - sum(a) / 80)
        covered += d.ci_low <= 0.1 <= d.ci_high
        paired_width += d.ci_high - d.ci_low
        ca, cb = bootstrap_ci(a, mean, n_resamples=200, seed=t)["mean"], bootstrap_ci(b, mean, n_resamples=200, seed=t)["mean"]
        unpaired_width += ((ca[1] - ca[0]) ** 2 + (cb[1] - cb[0]) ** 2) ** 0.5
    assert 0.88 <= covered / trials <= 1.0
    assert paired_width < 0.8 * unpaired_width


def test_paired_delta_of_identical_runs_is_exactly_zero():
    d = paired_bootstrap_delta([1.0, 0.0, 1.0], [1.0, 0.0, 1.0], mean)["mean"]
    assert (d.delta, d.ci_low, d.ci_high) == (0.0, 0.0, 0.0)


def test_paired_delta_needs_aligned_runs():
    with pytest.raises(ValueError, match="3 and 2"):
        paired_bootstrap_delta([1.0, 0.0, 1.0], [1.0, 0.0], mean)


def test_mean_ci_equals_the_generic_bootstrap():
    import random

    from harness.metrics.stats import bootstrap_mean_ci
    rng = random.Random(3)
    x = [float(rng.random() < 0.4) for _ in range(257)]
    y = [rng.random() for _ in range(257)]
    generic = bootstrap_ci(list(zip(x, y)), lambda s: {"x": sum(a for a, _ in s) / len(s),
                                                       "y": sum(b for _, b in s) / len(s)}, n_resamples=300, seed=5)
    fast = bootstrap_mean_ci({"x": x, "y": y}, n_resamples=300, seed=5)
    assert fast.keys() == generic.keys()
    for name in fast:
        assert fast[name] == pytest.approx(generic[name], abs=1e-12)


def test_paired_interval_is_negated_when_a_and_b_swap():
    import random
    rng = random.Random(11)
    a = [float(rng.random() < 0.3) for _ in range(106)]
    b = [float(rng.random() < 0.5) for _ in range(106)]
    forward = paired_bootstrap_delta(a, b, mean, n_resamples=1000, seed=0)["mean"]
    backward = paired_bootstrap_delta(b, a, mean, n_resamples=1000, seed=0)["mean"]
    assert (backward.delta, backward.ci_low, backward.ci_high) == (-forward.delta, -forward.ci_high, -forward.ci_low)


def test_mean_cis_computed_in_a_child_equal_the_local_ones_and_leave_numpy_unloaded():
    """MeanCIs imports numpy in a child while the caller scores; a child that died is no error."""
    import json
    import subprocess
    import sys

    from harness.metrics.stats import bootstrap_mean_ci
    columns = {"x": [float(i % 3 == 0) for i in range(200)], "y": [i / 200 for i in range(200)]}
    code = ("import json, sys; from harness.metrics.stats import MeanCIs\n"
            f"columns = {columns!r}\n"
            "with MeanCIs() as in_child: found = in_child(columns, n_resamples=300, seed=5)\n"
            "loaded = 'numpy' in sys.modules\n"
            "with MeanCIs() as dead: dead._call._process.kill(); fallback = dead(columns, n_resamples=300, seed=5)\n"
            "print(json.dumps([found, loaded, fallback]))")
    found, loaded, fallback = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                                        check=True).stdout)
    expected = {name: list(ci) for name, ci in bootstrap_mean_ci(columns, n_resamples=300, seed=5).items()}
    assert found == fallback == expected and not loaded
