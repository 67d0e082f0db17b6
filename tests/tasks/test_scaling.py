"""Input normalisation of CSV data (tasks.scaling): fitted per column, applied, checked."""

import numpy as np
import pytest

from rnnstudio.tasks import scaling


def test_zscore_and_minmax_fit_each_column_over_steps_and_sequences():
    rng = np.random.default_rng(0)
    X = np.stack([rng.normal(5.0, 2.0, (20, 6)), rng.uniform(-3, 9, (20, 6))], axis=-1)
    z = scaling.fit(X, "zscore")
    scaled = scaling.apply(X, z)
    np.testing.assert_allclose(scaled.reshape(-1, 2).mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.reshape(-1, 2).std(axis=0), 1.0, atol=1e-12)
    m = scaling.fit(X, "minmax")
    scaled = scaling.apply(X, m)
    np.testing.assert_allclose(scaled.reshape(-1, 2).min(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(scaled.reshape(-1, 2).max(axis=0), 1.0, atol=1e-12)
    assert m["method"] == "minmax" and m["offset"] == [float(X[..., 0].min()),
                                                       float(X[..., 1].min())]
    assert scaling.fit(X, "none") is None and scaling.apply(X, None) is X


def test_a_constant_column_is_shifted_not_divided_by_zero():
    X = np.full((5, 2, 1), 3.0)
    for method in ("zscore", "minmax"):
        out = scaling.apply(X, scaling.fit(X, method))
        np.testing.assert_array_equal(out, 0.0)


def test_prepare_fits_on_the_training_sequences_only():
    X = np.zeros((4, 3, 1))
    X[:, 2] = 100.0  # a validation sequence far away from the training ones
    X[:, 1] = 2.0
    out, fitted = scaling.prepare({"normalize": "minmax"}, X, [0, 1])
    assert fitted["offset"] == [0.0] and fitted["scale"] == [2.0]
    np.testing.assert_array_equal(out[:, 2], 50.0)  # scaled, not fitted on


@pytest.mark.parametrize("bad, field", [
    ({"offset": [0.0]}, "csv.scaling.scale"),
    ({"offset": [0.0, 1.0], "scale": [1.0, 1.0]}, "csv.scaling.offset"),
    ({"offset": ["a"], "scale": [1.0]}, "csv.scaling.offset[0]"),
    ({"offset": [0.0], "scale": [0.0]}, "csv.scaling.scale[0]"),
    ([1, 2], "csv.scaling"),
])
def test_bad_saved_scalings_name_the_field(bad, field):
    with pytest.raises(scaling.ScalingError, match=field.replace("[", r"\[").replace("]", r"\]")):
        scaling.saved({"normalize": "zscore", "scaling": bad}, 1)
    with pytest.raises(scaling.ScalingError, match="csv.normalize"):
        scaling.method_of({"normalize": "log"})
