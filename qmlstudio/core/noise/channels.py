"""Noise channels as values: :class:`Channel` and the maths every engine and export reads.

A channel is a completely positive, trace-preserving (CPTP) map ``ρ → Σ_k K_k ρ K_k†`` on one
or two qubits. Its parameters are constants (a channel has no trainable weight). The kinds, with
the conventions of Qiskit Aer's ``qiskit_aer.noise`` error functions, which the tests check
every superoperator against:

========================  ================================  ========================================
kind                      params                            map
========================  ================================  ========================================
``depolarizing``          ``(p,)``, 1 or 2 qubits           ``(1 − p) ρ + p · I/d`` (Aer's
                                                            ``depolarizing_error``; PennyLane's
                                                            ``DepolarizingChannel`` has
                                                            ``p_PL = 3p/4`` on one qubit),
                                                            ``0 ≤ p ≤ d²/(d² − 1)``
``bit_flip``              ``(p,)``                          ``(1 − p) ρ + p XρX``
``phase_flip``            ``(p,)``                          ``(1 − p) ρ + p ZρZ``
``bit_phase_flip``        ``(p,)``                          ``(1 − p) ρ + p YρY``
``pauli``                 ``(p_x, p_y, p_z)``               ``(1 − Σp) ρ + Σ p_σ σρσ``
``amplitude_damping``     ``(γ,)``                          ``K₀ = diag(1, √(1−γ))``,
                                                            ``K₁ = √γ |0⟩⟨1|``
``phase_damping``         ``(λ,)``                          ``K₀ = diag(1, √(1−λ))``,
                                                            ``K₁ = diag(0, √λ)``
``thermal_relaxation``    ``(T1, T2, time[, p_excited])``   populations relax towards
                                                            ``(1 − p_e, p_e)`` with
                                                            ``1 − e^{−t/T1}``, coherences decay as
                                                            ``e^{−t/T2}``; needs ``T2 ≤ 2·T1``
``kraus``                 ``matrices``                      any CPTP set (``Σ K†K = I`` within
                                                            :data:`CPTP_TOLERANCE`)
========================  ================================  ========================================

Probabilities must lie in ``[0, 1]`` (``p`` of a depolarizing channel up to ``d²/(d² − 1)``, the
full Pauli twirl Aer allows); times are positive and share one unit. A bad value is a
:class:`~qmlstudio.core.errors.NoiseError` naming the parameter.

Matrices act on the channel's wires in order, the first wire the most significant bit (as gate
matrices do). The superoperator acts on row-major ``vec(ρ)``: ``S = Σ_k K_k ⊗ conj(K_k)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce
from itertools import product

import numpy as np

from qmlstudio.core.errors import NoiseError

__all__ = ["CHANNEL_KINDS", "CPTP_TOLERANCE", "Channel", "ChannelKind"]

CPTP_TOLERANCE = 1e-8
"""Largest entry of ``Σ K†K − I`` a ``kraus`` channel may have (rounding in given matrices)."""

_PAULIS = {
    "I": np.eye(2, dtype=complex),
    "X": np.array([[0, 1], [1, 0]], dtype=complex),
    "Y": np.array([[0, -1j], [1j, 0]], dtype=complex),
    "Z": np.diag([1, -1]).astype(complex),
}


@dataclass(frozen=True, slots=True)
class ChannelKind:
    """What one kind of channel is: its parameter names, the qubit counts it allows, a short
    description for menus and tooltips."""

    name: str
    param_names: tuple[str, ...]
    n_qubits: tuple[int, ...] = (1,)
    description: str = ""


CHANNEL_KINDS: dict[str, ChannelKind] = {kind.name: kind for kind in (
    ChannelKind("depolarizing", ("p",), (1, 2), "mixes the state with the fully mixed one"),
    ChannelKind("bit_flip", ("p",), description="applies X with probability p"),
    ChannelKind("phase_flip", ("p",), description="applies Z with probability p"),
    ChannelKind("bit_phase_flip", ("p",), description="applies Y with probability p"),
    ChannelKind("pauli", ("p_x", "p_y", "p_z"), description="applies X, Y or Z at random"),
    ChannelKind("amplitude_damping", ("gamma",), description="energy loss towards |0⟩"),
    ChannelKind("phase_damping", ("lambda",), description="loss of phase coherence"),
    ChannelKind("thermal_relaxation", ("t1", "t2", "time", "excited_population"),
                description="T1 and T2 decay during a gate of the given length"),
    ChannelKind("kraus", (), (1, 2), description="any trace-preserving set of Kraus operators"),
)}
"""Every channel kind by name."""


def _number(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise NoiseError(f"{what}: expected a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:  # an integer with hundreds of digits
        raise NoiseError(f"{what}: too large a number") from None
    if not math.isfinite(number):
        raise NoiseError(f"{what}: must be finite, got {number}")
    return number


def _in_range(value: float, what: str, high: float = 1.0) -> None:
    if not 0.0 <= value <= high:
        raise NoiseError(f"{what}: must lie in [0, {high:g}], got {value:g}")


@dataclass(frozen=True, slots=True)
class Channel:
    """One noise channel: a kind of :data:`CHANNEL_KINDS`, its parameters and, for ``kraus``,
    its matrices (nested tuples of complex numbers, so the value compares and hashes).

    Build one with the class methods (``Channel.depolarizing(0.01)``) or directly
    (``Channel("pauli", (0.01, 0, 0.02))``); every parameter is checked.
    """

    kind: str
    params: tuple[float, ...] = ()
    n_qubits: int = 1
    matrices: tuple[tuple[tuple[complex, ...], ...], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        spec = CHANNEL_KINDS.get(self.kind) if isinstance(self.kind, str) else None
        if spec is None:
            raise NoiseError(f"unknown noise channel {self.kind!r}; choose one of "
                             f"{', '.join(CHANNEL_KINDS)}")
        if self.kind == "kraus":
            self._check_kraus()
            return
        if self.matrices:
            raise NoiseError(f"{self.kind}: only a 'kraus' channel takes matrices")
        if self.n_qubits not in spec.n_qubits:
            raise NoiseError(f"{self.kind}: acts on {' or '.join(map(str, spec.n_qubits))} "
                             f"qubit(s), not {self.n_qubits!r}")
        params = self.params if isinstance(self.params, tuple | list) else (self.params,)
        names = spec.param_names
        if self.kind == "thermal_relaxation" and len(params) == 3:
            params = (*params, 0.0)  # no excited population: relaxation towards |0⟩
        if len(params) != len(names):
            raise NoiseError(f"{self.kind}: expected {len(names)} parameter(s) "
                             f"({', '.join(names)}), got {len(params)}")
        values = tuple(_number(v, f"{self.kind} {n}") for v, n in zip(params, names,
                                                                       strict=True))
        object.__setattr__(self, "params", values)
        self._check_values(values)

    def _check_values(self, values: tuple[float, ...]) -> None:
        kind = self.kind
        if kind == "depolarizing":
            d2 = 4 ** self.n_qubits
            _in_range(values[0], f"{kind} p", d2 / (d2 - 1))
        elif kind == "pauli":
            for value, name in zip(values, ("p_x", "p_y", "p_z"), strict=True):
                _in_range(value, f"pauli {name}")
            if sum(values) > 1.0 + 1e-12:
                raise NoiseError(f"pauli: p_x + p_y + p_z must be at most 1, got "
                                 f"{sum(values):g}")
        elif kind == "thermal_relaxation":
            t1, t2, time, population = values
            for value, name in ((t1, "T1"), (t2, "T2")):
                if value <= 0:
                    raise NoiseError(f"thermal_relaxation {name}: must be positive, got "
                                     f"{value:g}")
            if t2 > 2 * t1:
                raise NoiseError(f"thermal_relaxation T2: {t2:g} exceeds 2·T1 = {2 * t1:g}, "
                                 f"which no physical qubit allows")
            if time < 0:
                raise NoiseError(f"thermal_relaxation time: must be 0 or more, got {time:g}")
            _in_range(population, "thermal_relaxation excited_population")
        else:
            _in_range(values[0], f"{kind} {CHANNEL_KINDS[kind].param_names[0]}")

    def _check_kraus(self) -> None:
        try:
            ops = np.array(self.matrices, dtype=complex)
        except (TypeError, ValueError, OverflowError):
            raise NoiseError("kraus: the matrices must be square arrays of numbers of one "
                             "size") from None
        if ops.ndim != 3 or len(ops) == 0 or ops.shape[1] != ops.shape[2] or \
                ops.shape[1] not in (2, 4):
            raise NoiseError(f"kraus: expected one or more 2×2 or 4×4 matrices, got an array "
                             f"of shape {ops.shape}")
        if not np.isfinite(ops).all():
            raise NoiseError("kraus: the matrices hold a value that is not finite")
        deviation = np.abs(np.einsum("kji,kjl->il", ops.conj(), ops)
                           - np.eye(ops.shape[1])).max()
        if deviation > CPTP_TOLERANCE:
            raise NoiseError(f"kraus: Σ K†K differs from the identity by {deviation:.2g} (at "
                             f"most {CPTP_TOLERANCE:g} allowed): the set is not trace-preserving")
        object.__setattr__(self, "n_qubits", ops.shape[1].bit_length() - 1)
        object.__setattr__(self, "matrices", tuple(tuple(tuple(complex(v) for v in row)
                                                         for row in op) for op in ops))
        object.__setattr__(self, "params", ())

    # -- constructors ------------------------------------------------------------------------
    @classmethod
    def depolarizing(cls, p: float, n_qubits: int = 1) -> Channel:
        """``(1 − p) ρ + p I/d`` on ``n_qubits`` (1 or 2) qubits."""
        return cls("depolarizing", (p,), n_qubits)

    @classmethod
    def thermal_relaxation(cls, t1: float, t2: float, time: float,
                           excited_population: float = 0.0) -> Channel:
        """Relaxation for ``time`` of a qubit with ``t1``, ``t2`` (one time unit for all)."""
        return cls("thermal_relaxation", (t1, t2, time, excited_population))

    @classmethod
    def kraus(cls, matrices: object) -> Channel:
        """A channel from its Kraus operators (array-like ``(k, d, d)``, d = 2 or 4)."""
        return cls("kraus", matrices=matrices)

    # -- maths -------------------------------------------------------------------------------
    @property
    def dimension(self) -> int:
        """``2**n_qubits``."""
        return 1 << self.n_qubits

    def kraus_operators(self) -> np.ndarray:
        """The Kraus operators ``(k, d, d)`` (read-only)."""
        ops = _kraus(self)
        ops.flags.writeable = False
        return ops

    def superoperator(self) -> np.ndarray:
        """``S = Σ_k K_k ⊗ conj(K_k)`` acting on row-major ``vec(ρ)``, ``(d², d²)``."""
        ops = _kraus(self)
        return np.einsum("kab,kce->acbe", ops, ops.conj()).reshape(
            self.dimension ** 2, self.dimension ** 2)

    def apply(self, rho: np.ndarray) -> np.ndarray:
        """``Σ K ρ K†`` for one density matrix ``(d, d)`` (a reference, not the engine)."""
        ops = _kraus(self)
        return np.einsum("kab,bc,kdc->ad", ops, np.asarray(rho, dtype=complex), ops.conj())

    def average_fidelity(self) -> float:
        """Average gate fidelity with the identity, ``(d·F_pro + 1)/(d + 1)`` with the process
        fidelity ``F_pro = Tr S / d²``."""
        d = self.dimension
        process = float(np.trace(self.superoperator()).real) / d ** 2
        return (d * process + 1) / (d + 1)

    def scaled(self, factor: float) -> Channel:
        """The channel with its strength times ``factor`` (≥ 0): every probability scaled
        (capped at the kind's largest value), a thermal relaxation lasting ``factor`` times as
        long; ``factor`` 0 gives a channel that does nothing. A general ``kraus`` set has no
        strength to scale (a :class:`NoiseError`)."""
        factor = _number(factor, "noise scale")
        if factor < 0:
            raise NoiseError(f"noise scale: must be 0 or more, got {factor:g}")
        kind, params = self.kind, self.params
        if kind == "kraus":
            raise NoiseError("a general Kraus channel has no strength to scale")
        if kind == "thermal_relaxation":
            return Channel(kind, (params[0], params[1], params[2] * factor, params[3]))
        if kind == "pauli":
            total = sum(params) * factor
            shrink = 1.0 if total <= 1 else 1 / total  # keep the mix, at most certain
            return Channel(kind, tuple(p * factor * shrink for p in params))
        top = 4 ** self.n_qubits / (4 ** self.n_qubits - 1) if kind == "depolarizing" else 1.0
        return Channel(kind, (min(params[0] * factor, top),), self.n_qubits)

    @property
    def is_identity(self) -> bool:
        """True when the channel does nothing (every probability 0, or no time passes)."""
        if self.kind == "kraus":
            return False
        if self.kind == "thermal_relaxation":
            return self.params[2] == 0
        return not any(self.params)


def _pauli_kraus(weights: dict[str, float]) -> np.ndarray:
    """Kraus operators ``√w_P · P`` of a Pauli mixture (labels like ``"X"`` or ``"XZ"``)."""
    ops = [math.sqrt(weight) * reduce(np.kron, (_PAULIS[c] for c in label))
           for label, weight in weights.items() if weight > 0]
    return np.array(ops, dtype=complex)


def _from_superoperator(superop: np.ndarray) -> np.ndarray:
    """Kraus operators of a CP map from its superoperator, through the Choi matrix."""
    d = math.isqrt(len(superop))
    choi = superop.reshape(d, d, d, d).transpose(0, 2, 1, 3).reshape(d * d, d * d)
    values, vectors = np.linalg.eigh(choi)
    keep = values > 1e-15 * max(values.max(), 1.0)
    return np.array([math.sqrt(v) * vectors[:, i].reshape(d, d)
                     for i, v in zip(np.flatnonzero(keep), values[keep], strict=True)])


def _kraus(channel: Channel) -> np.ndarray:
    kind, params = channel.kind, channel.params
    if kind == "kraus":
        return np.array(channel.matrices, dtype=complex)
    if kind == "depolarizing":
        n, p = channel.n_qubits, params[0]
        weights = {"".join(label): p / 4 ** n for label in product("IXYZ", repeat=n)}
        weights["I" * n] = 1 - p * (4 ** n - 1) / 4 ** n
        return _pauli_kraus(weights)
    if kind in ("bit_flip", "phase_flip", "bit_phase_flip"):
        letter = {"bit_flip": "X", "phase_flip": "Z", "bit_phase_flip": "Y"}[kind]
        return _pauli_kraus({"I": 1 - params[0], letter: params[0]})
    if kind == "pauli":
        return _pauli_kraus({"I": max(0.0, 1 - sum(params)), "X": params[0], "Y": params[1],
                             "Z": params[2]})
    if kind == "amplitude_damping":
        g = params[0]
        return np.array([[[1, 0], [0, math.sqrt(1 - g)]], [[0, math.sqrt(g)], [0, 0]]],
                        dtype=complex)
    if kind == "phase_damping":
        lam = params[0]
        return np.array([[[1, 0], [0, math.sqrt(1 - lam)]], [[0, 0], [0, math.sqrt(lam)]]],
                        dtype=complex)
    t1, t2, time, excited = params
    reset = 1 - math.exp(-time / t1)
    coherence = math.exp(-time / t2)
    # On row-major vec(ρ) = (ρ00, ρ01, ρ10, ρ11): populations relax, coherences decay.
    superop = np.array([[1 - excited * reset, 0, 0, (1 - excited) * reset],
                        [0, coherence, 0, 0],
                        [0, 0, coherence, 0],
                        [excited * reset, 0, 0, 1 - (1 - excited) * reset]], dtype=complex)
    return _from_superoperator(superop)
