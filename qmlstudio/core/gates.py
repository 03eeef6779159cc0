"""The gate library: every gate's matrix and the data its gradients need.

Each gate is the product of *factors*, applied first to last. A factor with one angle θ is

    F(θ) = A + cos(f·θ) B + sin(f·θ) C

with constant matrices ``A, B, C`` and frequency ``f``; a constant factor is just ``A``. This
one shape covers every gate here (``rx`` is ``cos(θ/2) I − i sin(θ/2) X``; ``p`` is
``|0⟩⟨0| + e^{iθ}|1⟩⟨1|``; ``u3(θ, φ, λ) = p(φ)·ry(θ)·p(λ)`` exactly, with no global
phase), so the engine needs no per-gate code and the derivative is ``f(−sin B + cos C)``.

Matrices act on the gate's wires in the order given (controls first, as OpenQASM): the first
wire is the most significant bit of the local index, so ``cx`` is the textbook
``[[1,0,0,0],[0,1,0,0],[0,0,0,1],[0,0,1,0]]``.

Each spec also holds the facts every view of a gate reads, so that the canvas, the inspector,
the palette and the LaTeX export agree: ``n_controls`` (the control wires, listed first),
``drawing`` (how a diagram marks the target wires, one of :data:`DRAWINGS`), ``param_names``
and ``latex_name``.

``shift_rules[j]`` gives the parameter-shift recipe for parameter ``j`` as ``(coefficient,
shift)`` pairs: ``∂f/∂θ = Σ c · f(θ + s)``. Generators with eigenvalues ``±½`` (rotations) or
``{0, 1}`` (phases) have one frequency and take the two-term rule; controlled rotations have
eigenvalues ``{0, ±½}``, two frequencies, and take the four-term rule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from qmlstudio.core.errors import CircuitError

__all__ = ["DRAWINGS", "GATES", "Factor", "GateSpec", "gate_spec"]

_I2 = np.eye(2, dtype=complex)
_X = np.array([[0, 1], [1, 0]], dtype=complex)
_Y = np.array([[0, -1j], [1j, 0]], dtype=complex)
_Z = np.diag([1, -1]).astype(complex)
_H = np.array([[1, 1], [1, -1]], dtype=complex) / math.sqrt(2)
_P0 = np.diag([1, 0]).astype(complex)
_P1 = np.diag([0, 1]).astype(complex)

_TWO_TERM = ((0.5, math.pi / 2), (-0.5, -math.pi / 2))
_C_PLUS = (math.sqrt(2) + 1) / (4 * math.sqrt(2))
_C_MINUS = (math.sqrt(2) - 1) / (4 * math.sqrt(2))
_FOUR_TERM = (
    (_C_PLUS, math.pi / 2),
    (-_C_PLUS, -math.pi / 2),
    (-_C_MINUS, 3 * math.pi / 2),
    (_C_MINUS, -3 * math.pi / 2),
)


def _frozen(matrix: np.ndarray) -> np.ndarray:
    matrix = np.array(matrix, dtype=complex)
    matrix.flags.writeable = False
    return matrix


@dataclass(frozen=True, slots=True, eq=False)
class Factor:
    """One factor ``A + cos(f·θ) B + sin(f·θ) C`` of a gate; ``param`` is None if constant."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    frequency: float = 0.0
    param: int | None = None

    def matrix(self, angle: float = 0.0) -> np.ndarray:
        """The factor's matrix at ``angle`` (ignored for a constant factor)."""
        if self.param is None:
            return self.a
        phase = self.frequency * angle
        return self.a + math.cos(phase) * self.b + math.sin(phase) * self.c

    def derivative(self, angle: float) -> np.ndarray:
        """d(matrix)/d(angle)."""
        phase = self.frequency * angle
        return self.frequency * (-math.sin(phase) * self.b + math.cos(phase) * self.c)


def _const(matrix: np.ndarray) -> Factor:
    zero = _frozen(np.zeros_like(matrix))
    return Factor(_frozen(matrix), zero, zero)


def _rotation(generator: np.ndarray, param: int) -> Factor:
    """exp(−iθ/2·G) for a Pauli-like G (G² = I)."""
    dim = generator.shape[0]
    return Factor(_frozen(np.zeros((dim, dim))), _frozen(np.eye(dim)), _frozen(-1j * generator),
                  0.5, param)


def _controlled_rotation(generator: np.ndarray, param: int) -> Factor:
    """|0⟩⟨0|⊗I + |1⟩⟨1|⊗exp(−iθ/2·G)."""
    return Factor(_frozen(np.kron(_P0, _I2)), _frozen(np.kron(_P1, _I2)),
                  _frozen(np.kron(_P1, -1j * generator)), 0.5, param)


def _phase(projector: np.ndarray, param: int) -> Factor:
    """I − Π + e^{iθ} Π for a projector Π."""
    eye = np.eye(projector.shape[0])
    return Factor(_frozen(eye - projector), _frozen(projector), _frozen(1j * projector), 1.0, param)


DRAWINGS: dict[str, str] = {
    "box": "a box with the gate's name over its target wires (one tall box over several)",
    "oplus": "⊕ on the one target wire (the target of a controlled X)",
    "dot": "a dot on the target wire, like a control (controlled Z is symmetric)",
    "cross": "× on each of the two target wires, joined by a line (swap)",
}
"""How a diagram marks a gate's target wires; control wires always get a dot."""


@dataclass(frozen=True, slots=True, eq=False)
class GateSpec:
    """A gate of the library: name, arity, factors, parameter-shift rules and the facts its
    views read (see the module docstring).

    ``param_names`` defaults to ``θ`` for each parameter, ``latex_name`` to the upper-case
    name without the control prefix (``cry`` → ``RY``). Raises
    :class:`~qmlstudio.core.errors.CircuitError` if the facts contradict each other.
    """

    name: str
    n_wires: int
    n_params: int
    factors: tuple[Factor, ...]
    shift_rules: tuple[tuple[tuple[float, float], ...], ...] = ()
    description: str = ""
    n_controls: int = 0
    """Control wires: the first ``n_controls`` wires of an operation (as in OpenQASM)."""
    drawing: str = "box"
    """How diagrams mark the target wires: a key of :data:`DRAWINGS`."""
    param_names: tuple[str, ...] = ()
    """The parameters' names (``θ``, ``φ``, ``λ``), in order."""
    latex_name: str = ""
    """LaTeX of the name in the gate's box (the target's name for a controlled gate)."""
    is_permutation: bool = field(init=False)
    """True for constant gates that only permute basis states (x, cx, swap, ccx, cswap)."""
    is_diagonal: bool = field(init=False)
    """True if the matrix is diagonal for every parameter value."""

    def __post_init__(self) -> None:
        if not self.param_names:
            object.__setattr__(self, "param_names", ("θ",) * self.n_params)
        if not self.latex_name:
            object.__setattr__(self, "latex_name", self.name[self.n_controls:].upper())
        self._check_facts()
        # Computed once here: compilers ask these for every operation of a circuit.
        permutation = False
        if not self.n_params:
            m = self.matrix()
            permutation = bool(np.all((m == 0) | (m == 1)) and np.all(m.sum(axis=0) == 1))
        diagonal = all(np.count_nonzero(mat - np.diag(np.diag(mat))) == 0
                       for f in self.factors for mat in (f.a, f.b, f.c))
        object.__setattr__(self, "is_permutation", permutation)
        object.__setattr__(self, "is_diagonal", diagonal)

    def _check_facts(self) -> None:
        wrong = []
        if not 0 <= self.n_controls < self.n_wires:
            wrong.append(f"{self.n_controls} control(s) on {self.n_wires} wire(s)")
        if self.drawing not in DRAWINGS:
            wrong.append(f"drawing {self.drawing!r} is not one of {', '.join(DRAWINGS)}")
        elif self.drawing != "box" and self.n_targets != (2 if self.drawing == "cross" else 1):
            wrong.append(f"drawing {self.drawing!r} does not fit {self.n_targets} target(s)")
        if len(self.param_names) != self.n_params:
            wrong.append(f"{len(self.param_names)} parameter names for {self.n_params} "
                         f"parameter(s)")
        if wrong:
            raise CircuitError(f"gate '{self.name}': " + "; ".join(wrong))

    @property
    def n_targets(self) -> int:
        """The wires after the controls."""
        return self.n_wires - self.n_controls

    @property
    def joins_wires(self) -> bool:
        """True if a diagram draws the gate as marks on its wires joined by a vertical line
        (controls, swap crosses), rather than as one box over all of its wires."""
        return self.n_wires > 1 and (self.n_controls > 0 or self.drawing == "cross")

    def matrix(self, params: tuple[float, ...] | list[float] = ()) -> np.ndarray:
        """The gate's unitary for numeric ``params`` (local order: first wire most significant)."""
        angles = self._check(params)
        mats = [f.matrix(angles[f.param] if f.param is not None else 0.0) for f in self.factors]
        return reduce(lambda acc, m: m @ acc, mats[1:], mats[0])

    def derivative(self, params: tuple[float, ...] | list[float], j: int) -> np.ndarray:
        """d(matrix)/d(params[j])."""
        angles = self._check(params)
        total = np.zeros((2**self.n_wires,) * 2, dtype=complex)
        for pos, target in enumerate(self.factors):
            if target.param != j:
                continue
            acc = np.eye(2**self.n_wires, dtype=complex)
            for k, f in enumerate(self.factors):
                angle = angles[f.param] if f.param is not None else 0.0
                acc = (f.derivative(angle) if k == pos else f.matrix(angle)) @ acc
            total += acc
        return total

    def _check(self, params: tuple[float, ...] | list[float]) -> tuple[float, ...]:
        if len(params) != self.n_params:
            raise CircuitError(
                f"gate '{self.name}' takes {self.n_params} parameter(s), got {len(params)}"
            )
        return tuple(float(p) for p in params)


def _fixed(name: str, matrix: np.ndarray, description: str, **facts) -> GateSpec:
    n_wires = int(math.log2(matrix.shape[0]))
    return GateSpec(name, n_wires, 0, (_const(matrix),), (), description, **facts)


def _controlled(u: np.ndarray) -> np.ndarray:
    return np.kron(_P0, np.eye(u.shape[0])) + np.kron(_P1, u)


def _one_param(name: str, factor: Factor, rule, description: str, **facts) -> GateSpec:
    n_wires = int(math.log2(factor.a.shape[0]))
    return GateSpec(name, n_wires, 1, (factor,), (rule,), description, **facts)


_SWAP = np.eye(4)[[0, 2, 1, 3]]
_ISWAP = np.array([[1, 0, 0, 0], [0, 0, 1j, 0], [0, 1j, 0, 0], [0, 0, 0, 1]])
_SX = np.array([[1 + 1j, 1 - 1j], [1 - 1j, 1 + 1j]]) / 2
_CCX = np.eye(8)[[0, 1, 2, 3, 4, 5, 7, 6]]
_CSWAP = np.eye(8)[[0, 1, 2, 3, 4, 6, 5, 7]]
_RY_HALF_PI = _rotation(_Y, 0).matrix(math.pi / 2)


def _u3_factors(controlled: bool, theta: int | None, phi: int, lam: int) -> tuple[Factor, ...]:
    """u3(θ, φ, λ) = p(φ) · ry(θ) · p(λ) (λ applied first); the controlled form uses cp, cry.

    ``theta=None`` fixes θ = π/2 (the ``u2`` gate).
    """
    if controlled:
        projector = np.diag([0, 0, 0, 1]).astype(complex)
        rot = _controlled_rotation(_Y, theta)
    else:
        projector = _P1
        rot = _rotation(_Y, theta) if theta is not None else _const(_RY_HALF_PI)
    return (_phase(projector, lam), rot, _phase(projector, phi))


def _build_library() -> dict[str, GateSpec]:
    gates = [
        _fixed("id", _I2, "Identity"),
        _fixed("h", _H, "Hadamard"),
        _fixed("x", _X, "Pauli X (NOT)"),
        _fixed("y", _Y, "Pauli Y"),
        _fixed("z", _Z, "Pauli Z"),
        _fixed("s", np.diag([1, 1j]), "S = √Z"),
        _fixed("sdg", np.diag([1, -1j]), "S†", latex_name="S^\\dagger"),
        _fixed("t", np.diag([1, np.exp(1j * math.pi / 4)]), "T = ⁴√Z"),
        _fixed("tdg", np.diag([1, np.exp(-1j * math.pi / 4)]), "T†",
               latex_name="T^\\dagger"),
        _fixed("sx", _SX, "√X", latex_name="\\sqrt{X}"),
        _fixed("sxdg", _SX.conj().T, "√X†", latex_name="\\sqrt{X}^\\dagger"),
        _one_param("rx", _rotation(_X, 0), _TWO_TERM, "Rotation about X: exp(−iθX/2)"),
        _one_param("ry", _rotation(_Y, 0), _TWO_TERM, "Rotation about Y: exp(−iθY/2)"),
        _one_param("rz", _rotation(_Z, 0), _TWO_TERM, "Rotation about Z: exp(−iθZ/2)"),
        _one_param("p", _phase(_P1, 0), _TWO_TERM, "Phase: diag(1, e^{iθ})"),
        GateSpec("u3", 1, 3, _u3_factors(False, 0, 1, 2), (_TWO_TERM,) * 3,
                 "General single-qubit gate u3(θ, φ, λ) = p(φ)·ry(θ)·p(λ)",
                 param_names=("θ", "φ", "λ")),
        GateSpec("u2", 1, 2, _u3_factors(False, None, 0, 1), (_TWO_TERM,) * 2,
                 "u2(φ, λ) = u3(π/2, φ, λ)", param_names=("φ", "λ")),
        _fixed("cx", _controlled(_X), "Controlled NOT", n_controls=1, drawing="oplus"),
        _fixed("cy", _controlled(_Y), "Controlled Y", n_controls=1),
        _fixed("cz", _controlled(_Z), "Controlled Z", n_controls=1, drawing="dot"),
        _fixed("ch", _controlled(_H), "Controlled Hadamard", n_controls=1),
        _fixed("swap", _SWAP, "Swap two qubits", drawing="cross"),
        _fixed("iswap", _ISWAP, "iSWAP"),
        _one_param("crx", _controlled_rotation(_X, 0), _FOUR_TERM, "Controlled RX",
                   n_controls=1),
        _one_param("cry", _controlled_rotation(_Y, 0), _FOUR_TERM, "Controlled RY",
                   n_controls=1),
        _one_param("crz", _controlled_rotation(_Z, 0), _FOUR_TERM, "Controlled RZ",
                   n_controls=1),
        _one_param("cp", _phase(np.diag([0, 0, 0, 1]).astype(complex), 0), _TWO_TERM,
                   "Controlled phase", n_controls=1),
        GateSpec("cu3", 2, 3, _u3_factors(True, 0, 1, 2), (_FOUR_TERM, _TWO_TERM, _TWO_TERM),
                 "Controlled u3(θ, φ, λ)", n_controls=1, param_names=("θ", "φ", "λ")),
        _one_param("rxx", _rotation(np.kron(_X, _X), 0), _TWO_TERM, "exp(−iθ X⊗X/2)"),
        _one_param("ryy", _rotation(np.kron(_Y, _Y), 0), _TWO_TERM, "exp(−iθ Y⊗Y/2)"),
        _one_param("rzz", _rotation(np.kron(_Z, _Z), 0), _TWO_TERM, "exp(−iθ Z⊗Z/2)"),
        _fixed("ccx", _CCX, "Toffoli (doubly controlled NOT)", n_controls=2, drawing="oplus"),
        _fixed("cswap", _CSWAP, "Fredkin (controlled swap)", n_controls=1, drawing="cross"),
    ]
    return {g.name: g for g in gates}


GATES: dict[str, GateSpec] = _build_library()
"""Every gate by its canonical lower-case OpenQASM name."""

ALIASES: dict[str, str] = {
    "u": "u3", "cnot": "cx", "u1": "p", "phase": "p", "cu1": "cp", "cphase": "cp",
    "toffoli": "ccx", "fredkin": "cswap", "i": "id",
}
"""Other names accepted for library gates."""


def gate_spec(name: str) -> GateSpec:
    """The library entry for ``name`` (aliases such as ``cnot`` or ``u`` accepted)."""
    key = name.lower() if isinstance(name, str) else None
    spec = GATES.get(ALIASES.get(key, key)) if key is not None else None
    if spec is None:
        raise CircuitError(f"unknown gate {name!r}; known gates: {', '.join(GATES)}")
    return spec
