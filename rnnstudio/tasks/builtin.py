"""Built-in sequence tasks: small data sets that each test one thing a recurrent network can do.

Every task returns ``(X, Y)``: float64 arrays of shape ``(T, N, n_inputs)`` and
``(T, N, n_outputs)`` (time steps, sequences, columns). NaN in ``Y`` means "no target here".
The same arguments (and `seed`) always give the same arrays.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import numpy as np

from .budget import steps_problem

RAIN_EVENTS = (
    "dog barking", "white shirt", "apple pie", "knee hurts",
    "getting dark", "swallows flying low", "sunny morning", "wind picking up",
)
# The hidden rule of the rain task: log-odds added by each event, discounted by recency.
RAIN_WEIGHTS = (0.5, -1.0, 0.0, 1.5, 1.0, 2.0, -2.0, 1.0)
RAIN_DISCOUNT = 0.7
RAIN_BIAS = -1.25


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _check(cond: bool, message: str) -> None:
    if not cond:
        raise ValueError(message)


def _check_sizes(T: int, n_seq: int, width: int, min_T: int = 1) -> None:
    """T and n_seq whole and positive, and X and Y of `width` columns in all within the data
    budget (checked before anything is allocated)."""
    _check(int(T) == T and T >= min_T, f"T must be a whole number of steps >= {min_T}, got {T!r}")
    _check(int(n_seq) == n_seq and n_seq >= 1, f"n_seq must be >= 1, got {n_seq!r}")
    problem = steps_problem(T, n_seq, width)
    _check(problem is None, problem or "")


def _last_step_only(values: np.ndarray, T: int) -> np.ndarray:
    """Targets (T, N, 1) that are NaN everywhere except the last step."""
    Y = np.full((T, values.shape[0], 1), np.nan)
    Y[-1, :, 0] = values
    return Y


def sine(n_seq: int = 64, T: int = 50, noise: float = 0.05, seed: int = 0):
    """Predict the next value of noisy sine waves of random frequency and phase.

    Tests short-term memory of a smooth signal: from one value alone the next one is ambiguous
    (rising or falling?), so the network must keep a state. Each sequence is
    ``s(t) = sin(w t + phi) + noise * e(t)`` with w ~ U(0.1, 0.6) rad per step, phi ~ U(0, 2 pi);
    X(t) = s(t) and the target Y(t) = s(t + 1) at every step. One input, one output, MSE.
    """
    _check_sizes(T, n_seq, 2)
    _check(noise >= 0, f"noise must be >= 0, got {noise!r}")
    rng = _rng(seed)
    freq = rng.uniform(0.1, 0.6, n_seq)
    phase = rng.uniform(0.0, 2 * np.pi, n_seq)
    t = np.arange(T + 1, dtype=np.float64)[:, None]
    s = np.sin(freq * t + phase) + noise * rng.standard_normal((T + 1, n_seq))
    return s[:-1, :, None].copy(), s[1:, :, None].copy()


def echo(k: int = 3, n_seq: int = 64, T: int = 30, seed: int = 0):
    """Output the input k steps later: Y(t) = X(t - k).

    Tests exact memory over a fixed delay (a delay line). Inputs are uniform in [-1, 1]; the
    targets of the first k steps are NaN (nothing to echo yet). A negative k asks for the input
    |k| steps *ahead*, Y(t) = X(t + |k|) (NaN for the last |k| steps): only a network with
    reverse-time neurons (bidirectional) can do that. One input, one output, MSE.
    """
    _check_sizes(T, n_seq, 2)
    _check(int(k) == k and k != 0 and abs(k) < T,
           f"k must be a whole number from 1 to T-1={T - 1} (or negative, down to {1 - T}), "
           f"got {k!r}")
    X = _rng(seed).uniform(-1.0, 1.0, (T, n_seq, 1))
    Y = np.full_like(X, np.nan)
    if k > 0:
        Y[k:] = X[:-k]
    else:
        Y[:k] = X[-k:]
    return X, Y


def adding(T: int = 50, n_seq: int = 128, seed: int = 0):
    """The adding problem (Hochreiter & Schmidhuber 1997): long-range memory.

    Two input columns: a value in [0, 1) and a marker that is 1 at exactly two steps (one in each
    half of the sequence) and 0 elsewhere. The only target, at the last step, is the sum of the
    two marked values; NaN elsewhere. Always answering 1 gives an MSE of about 0.167. MSE.
    """
    _check_sizes(T, n_seq, 3, min_T=2)
    rng = _rng(seed)
    values = rng.uniform(0.0, 1.0, (T, n_seq))
    first = rng.integers(0, T // 2, n_seq)
    second = rng.integers(T // 2, T, n_seq)
    markers = np.zeros((T, n_seq))
    cols = np.arange(n_seq)
    markers[first, cols] = 1.0
    markers[second, cols] = 1.0
    X = np.stack([values, markers], axis=-1)
    target = values[first, cols] + values[second, cols]
    return X, _last_step_only(target, T)


def parity(T: int = 10, n_seq: int = 128, seed: int = 0):
    """Many-to-one: is the number of ones in a bit sequence odd?

    Tests a state that must flip on every 1 and hold on every 0 for the whole sequence (no
    shortcut: changing any one bit flips the answer). Input bits are 0 or 1; the only target, at
    the last step, is 1 for odd parity, 0 for even; NaN elsewhere. Sigmoid output, BCE.
    """
    _check_sizes(T, n_seq, 2)
    bits = _rng(seed).integers(0, 2, (T, n_seq)).astype(np.float64)
    target = bits.sum(axis=0) % 2
    return bits[:, :, None], _last_step_only(target, T)


def rain_probability(events: np.ndarray) -> np.ndarray:
    """The hidden rule of `rain`: events (T, N) of indices into RAIN_EVENTS -> chance (N,).

    Logistic of RAIN_BIAS + sum over steps of RAIN_WEIGHTS[event] * RAIN_DISCOUNT ** age, where
    age is 0 for the last step: recent events count more.
    """
    events = np.asarray(events)
    T = events.shape[0]
    age = np.arange(T - 1, -1, -1, dtype=np.float64)[:, None]
    logit = RAIN_BIAS + (np.asarray(RAIN_WEIGHTS)[events] * RAIN_DISCOUNT ** age).sum(axis=0)
    return 1.0 / (1.0 + np.exp(-logit))


def rain(T: int = 8, n_seq: int = 256, seed: int = 0):
    """Many-to-one: from a sequence of everyday events, the chance that it rains next.

    Each step one event of RAIN_EVENTS ("dog barking", "knee hurts", "getting dark", ...) happens,
    given as a one-hot input row. The only target, at the last step, is the chance of rain from a
    fixed hidden rule (`rain_probability`): some events raise it, some lower it, one ("apple pie")
    is irrelevant, and recent events count more. Tests summarising a sequence into one answer
    with a state that weighs and forgets. Sigmoid output, BCE against the chance.
    """
    _check_sizes(T, n_seq, len(RAIN_EVENTS) + 1)
    events = _rng(seed).integers(0, len(RAIN_EVENTS), (T, n_seq))
    X = np.eye(len(RAIN_EVENTS))[events]
    return X, _last_step_only(rain_probability(events), T)


def teacher(n_in: int = 3, n_hidden: int = 5, n_out: int = 4, T: int = 20, n_seq: int = 64,
            seed: int = 0):
    """Imitate a hidden random recurrent network (a "teacher") of the given shape.

    The inputs are uniform in [-1, 1]; the targets are the outputs of a fixed random Elman
    network (tanh state of `n_hidden` neurons with recurrent weights of spectral radius 0.9,
    linear outputs), drawn from `seed`. Fits any number of inputs and outputs, so it gives any
    network something learnable: a network of the same shape can match it exactly. MSE.
    """
    for name, v in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
        _check(int(v) == v and v >= 1, f"{name} must be >= 1, got {v!r}")
    _check_sizes(T, n_seq, n_in + n_out)
    rng = _rng(seed)
    w_in = rng.normal(0.0, 1.0 / np.sqrt(n_in), (n_in, n_hidden))
    w_rec = rng.normal(0.0, 1.0, (n_hidden, n_hidden))
    w_rec *= 0.9 / max(np.max(np.abs(np.linalg.eigvals(w_rec))), 1e-12)
    w_out = rng.normal(0.0, 1.0 / np.sqrt(n_hidden), (n_hidden, n_out))
    X = rng.uniform(-1.0, 1.0, (T, n_seq, n_in))
    h = np.zeros((n_seq, n_hidden))
    Y = np.empty((T, n_seq, n_out))
    for t in range(T):
        h = np.tanh(X[t] @ w_in + h @ w_rec)
        Y[t] = h @ w_out
    return X, Y


@lru_cache(maxsize=1)
def bundled_text() -> str:
    """The bundled passage (opening of Alice's Adventures in Wonderland), normalised: lower
    case, '!' and '?' as '.', ':' and ';' as ',', hyphens as spaces, other signs dropped."""
    raw = resources.files(__package__).joinpath("data/alice.txt").read_text(encoding="utf-8")
    s = raw.lower().translate(str.maketrans({"!": ".", "?": ".", ":": ",", ";": ",", "-": " "}))
    s = re.sub(r"[^a-z., \n]", "", s)
    return re.sub(r"\s+", " ", s).strip()


def text_alphabet(text: str | None = None) -> str:
    """The characters of a text (default: the bundled one), sorted: column j of the one-hot
    rows of `text` is character j of this string."""
    return "".join(sorted(set(bundled_text() if text is None else text)))


TEXT_ALPHABET = text_alphabet()


def text(T: int = 40, n_seq: int = 64, seed: int = 0, text: str | None = None):
    """Predict the next character of a text (default: a bundled public-domain passage).

    X(t) is the one-hot row of character t of a random window of the text, Y(t) that of
    character t + 1. Columns follow `text_alphabet(text)`. Tests a state that remembers the
    word so far (spelling). Outputs are read through a softmax: cross-entropy loss.
    """
    source = bundled_text() if text is None else text
    _check(isinstance(source, str), "the text must be text")
    alphabet = text_alphabet(source)
    _check_sizes(T, n_seq, 2 * len(alphabet))
    _check(len(source) > T, f"the text must be longer than T={T} characters")
    codes = np.array([alphabet.index(c) for c in source])
    starts = _rng(seed).integers(0, len(source) - T, n_seq)
    windows = codes[starts[None, :] + np.arange(T + 1)[:, None]]  # (T+1, N)
    onehot = np.eye(len(alphabet))[windows]
    return onehot[:-1].copy(), onehot[1:].copy()


def text_decode(Y: np.ndarray, alphabet: str | None = None) -> list[str]:
    """One string per sequence from one-hot or score rows (T, N, n) by argmax per step."""
    alphabet = TEXT_ALPHABET if alphabet is None else alphabet
    Y = np.asarray(Y)
    if Y.ndim == 2:
        Y = Y[:, None, :]
    idx = np.argmax(np.nan_to_num(Y, nan=-np.inf), axis=-1)
    return ["".join(alphabet[i] for i in idx[:, n]) for n in range(idx.shape[1])]
