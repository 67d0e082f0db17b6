"""Built-in tasks: shapes, dtypes, determinism by seed, NaN masks, and what each target means."""

import numpy as np
import pytest

from rnnstudio import tasks
from rnnstudio.tasks import TaskError, make_task

BUILDERS = {
    "sine": (tasks.sine, {}, (50, 64, 1), (50, 64, 1)),
    "echo": (tasks.echo, {}, (30, 64, 1), (30, 64, 1)),
    "adding": (tasks.adding, {}, (50, 128, 2), (50, 128, 1)),
    "parity": (tasks.parity, {}, (10, 128, 1), (10, 128, 1)),
    "rain": (tasks.rain, {}, (8, 256, len(tasks.RAIN_EVENTS)), (8, 256, 1)),
    "teacher": (tasks.teacher, {}, (20, 64, 3), (20, 64, 4)),
    "text": (tasks.text, {}, (40, 64, len(tasks.TEXT_ALPHABET)),
             (40, 64, len(tasks.TEXT_ALPHABET))),
}


@pytest.mark.parametrize("name", BUILDERS)
def test_default_shapes_and_dtype(name):
    func, kw, xs, ys = BUILDERS[name]
    X, Y = func(**kw)
    assert X.shape == xs and Y.shape == ys
    assert X.dtype == np.float64 and Y.dtype == np.float64
    assert np.isfinite(X).all()


@pytest.mark.parametrize("name", BUILDERS)
def test_deterministic_by_seed(name):
    func = BUILDERS[name][0]
    X1, Y1 = func(seed=3)
    X2, Y2 = func(seed=3)
    X3, _ = func(seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert not np.array_equal(X1, X3)


def test_sine_target_is_next_input():
    X, Y = tasks.sine(n_seq=5, T=20, noise=0.0)
    np.testing.assert_array_equal(Y[:-1], X[1:])
    assert np.abs(X).max() <= 1.0


def test_echo_mask_and_delay():
    X, Y = tasks.echo(k=4, T=12, n_seq=3)
    assert np.isnan(Y[:4]).all()
    np.testing.assert_array_equal(Y[4:], X[:-4])


def test_echo_negative_k_looks_ahead():
    X, Y = tasks.echo(k=-2, T=10, n_seq=2)
    np.testing.assert_array_equal(Y[:-2], X[2:])
    assert np.isnan(Y[-2:]).all()


@pytest.mark.parametrize("k", [0, 30, -30, 2.5])
def test_echo_bad_k(k):
    with pytest.raises(ValueError, match="k must be"):
        tasks.echo(k=k, T=30)


def test_adding_markers_and_sum():
    X, Y = tasks.adding(T=20, n_seq=50)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=0), 2.0)
    assert (markers[:10].sum(axis=0) == 1).all() and (markers[10:].sum(axis=0) == 1).all()
    assert np.isnan(Y[:-1]).all()
    expected = (X[:, :, 0] * markers).sum(axis=0)
    np.testing.assert_allclose(Y[-1, :, 0], expected)


def test_parity_last_step_only():
    X, Y = tasks.parity(T=7, n_seq=40)
    assert set(np.unique(X)) <= {0.0, 1.0}
    assert np.isnan(Y[:-1]).all()
    np.testing.assert_array_equal(Y[-1, :, 0], X[:, :, 0].sum(axis=0) % 2)


def test_rain_one_hot_and_rule():
    X, Y = tasks.rain(T=6, n_seq=100)
    np.testing.assert_array_equal(X.sum(axis=-1), 1.0)
    assert np.isnan(Y[:-1]).all()
    p = Y[-1, :, 0]
    assert ((p > 0) & (p < 1)).all()
    assert p.std() > 0.1  # the events matter
    np.testing.assert_allclose(p, tasks.rain_probability(X.argmax(axis=-1)))
    assert len(tasks.RAIN_EVENTS) == 8 and "knee hurts" in tasks.RAIN_EVENTS


def test_rain_recent_events_count_more():
    i = tasks.RAIN_EVENTS.index("sunny morning")
    j = tasks.RAIN_EVENTS.index("apple pie")
    early = np.array([[i], [j], [j], [j]])
    late = np.array([[j], [j], [j], [i]])
    assert tasks.rain_probability(late)[0] < tasks.rain_probability(early)[0]


def test_text_one_hot_next_character():
    X, Y = tasks.text(T=15, n_seq=4)
    np.testing.assert_array_equal(X.sum(axis=-1), 1.0)
    np.testing.assert_array_equal(Y[:-1], X[1:])
    for s in tasks.text_decode(X):
        assert s in tasks.bundled_text()


def test_text_alphabet_and_custom_text():
    assert tasks.TEXT_ALPHABET == "".join(sorted(set(tasks.bundled_text())))
    assert "a" in tasks.TEXT_ALPHABET and "A" not in tasks.TEXT_ALPHABET
    X, Y = tasks.text(T=3, n_seq=5, text="abcabcabc")
    assert X.shape == (3, 5, 3)
    assert tasks.text_alphabet("cab") == "abc"
    with pytest.raises(ValueError, match="longer than"):
        tasks.text(T=10, text="short")


def test_teacher_fits_any_shape():
    X, Y = tasks.teacher(n_in=2, n_hidden=3, n_out=5, T=7, n_seq=4)
    assert X.shape == (7, 4, 2) and Y.shape == (7, 4, 5)
    assert np.isfinite(Y).all() and Y.std() > 0.05


@pytest.mark.parametrize("func", [tasks.sine, tasks.parity, tasks.rain])
def test_bad_sizes(func):
    with pytest.raises(ValueError, match="T must be"):
        func(T=0)
    with pytest.raises(ValueError, match="n_seq"):
        func(n_seq=0)


@pytest.mark.parametrize("name, params", [
    ("sine", {"T": 100_000, "n_seq": 5_000}),      # took 54 s and 7.8 GB
    ("sine", {"T": 100_000, "n_seq": 100_000}),    # escaped as "Unable to allocate 74.5 GiB"
    ("rain", {"T": 20_000, "n_seq": 100_000}),
    ("teacher", {"n_in": 1000, "n_out": 1000, "T": 1000, "n_seq": 1000}),
    ("text", {"T": 100_000, "n_seq": 1000}),
])
def test_data_too_large_is_refused_before_it_is_built(name, params, monkeypatch):
    def no_allocation(*args, **kwargs):
        raise AssertionError("allocated")
    for func in ("zeros", "full", "empty", "eye"):
        monkeypatch.setattr(np, func, no_allocation)
    monkeypatch.setattr("rnnstudio.tasks.builtin._rng", no_allocation)
    with pytest.raises(TaskError, match=rf"task '{name}': T x n_seq = .* steps of \d+ values "
                                        r"need .* GB, more than the 512 MB a run's data may "
                                        "take: lower T or n_seq"):
        make_task(name, **params)


def test_data_within_the_budget_is_built():
    X, Y = make_task("sine", T=1000, n_seq=1000)  # 16 MB
    assert X.shape == (1000, 1000, 1) and Y.shape == (1000, 1000, 1)
