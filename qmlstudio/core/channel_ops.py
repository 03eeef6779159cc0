"""Noise channels and dynamic-circuit steps as circuit operations: :data:`CHANNEL_OPS`.

An :class:`~qmlstudio.core.Operation` whose name is a key of :data:`CHANNEL_OPS` stands in the
circuit like a gate, on its wires with constant parameters, and means a channel of
:mod:`qmlstudio.core.noise.channels` applied there (the density-matrix engine simulates a circuit
that holds one). The names:

* the channel kinds with parameters (``depolarizing`` on one wire, ``depolarizing2`` on two,
  ``bit_flip``, ``phase_flip``, ``bit_phase_flip``, ``pauli``, ``amplitude_damping``,
  ``phase_damping``, ``thermal_relaxation`` with all four of T1, T2, time and excited
  population);
* ``reset``: back to ``|0⟩`` whatever the state, the amplitude-damping channel with ``γ = 1``;
* ``measure``: a mid-circuit measurement whose result is discarded, i.e. dephasing in Z, the
  phase-damping channel with ``λ = 1``. (A gate that a measurement result steers is a
  controlled gate on the measured, dephased wire: see :mod:`qmlstudio.io.qasm_reader`.)

Each :class:`ChannelOpSpec` holds the facts the views read, with the names a
:class:`~qmlstudio.core.gates.GateSpec` uses for them, so canvas, inspector and exports ask
:func:`operation_spec` and treat both alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from qmlstudio.core.errors import CircuitError, NoiseError
from qmlstudio.core.gates import GATES, GateSpec, gate_spec
from qmlstudio.core.noise.channels import CHANNEL_KINDS, Channel

__all__ = ["CHANNEL_OPS", "ChannelOpSpec", "is_channel_op", "operation_spec"]


@dataclass(frozen=True, slots=True, eq=False)
class ChannelOpSpec:
    """A channel operation: its ``name``, the channel ``kind`` it applies, its wires and
    parameters, and (for ``reset`` and ``measure``) the ``fixed`` parameters of that channel."""

    name: str
    kind: str
    n_wires: int
    param_names: tuple[str, ...]
    description: str
    latex_name: str
    fixed: tuple[float, ...] = ()
    n_controls: int = 0
    drawing: str = "box"

    @property
    def n_params(self) -> int:
        """The operation's parameters (constants)."""
        return len(self.param_names)

    @property
    def n_targets(self) -> int:
        """Every wire is a target (a channel has no controls)."""
        return self.n_wires

    @property
    def joins_wires(self) -> bool:
        """Always False: a two-wire channel is drawn as one box over both wires."""
        return False

    def channel(self, values: tuple[float, ...]) -> Channel:
        """The channel for the operation's parameter ``values``; a bad value is a
        :class:`~qmlstudio.core.CircuitError` naming the operation and the parameter."""
        if len(values) != self.n_params:
            raise CircuitError(f"{self.name} takes {self.n_params} parameter(s) "
                               f"({', '.join(self.param_names) or 'none'}), got {len(values)}")
        try:
            return Channel(self.kind, tuple(values) + self.fixed, self.n_wires)
        except NoiseError as error:  # it names the kind and the parameter
            message = str(error) if self.name == self.kind else f"{self.name}: {error}"
            raise CircuitError(message) from None


def _kind(name: str, kind: str, n_wires: int = 1) -> ChannelOpSpec:
    facts = CHANNEL_KINDS[kind]
    latex = name.upper().replace("_", "\\_")  # an underscore is a subscript in TeX
    return ChannelOpSpec(name, kind, n_wires, facts.param_names,
                         f"Noise channel: {facts.description}", f"\\mathrm{{{latex}}}")


CHANNEL_OPS: dict[str, ChannelOpSpec] = {spec.name: spec for spec in (
    _kind("depolarizing", "depolarizing"),
    _kind("depolarizing2", "depolarizing", 2),
    *(_kind(kind, kind) for kind in ("bit_flip", "phase_flip", "bit_phase_flip", "pauli",
                                     "amplitude_damping", "phase_damping",
                                     "thermal_relaxation")),
    ChannelOpSpec("reset", "amplitude_damping", 1, (), "Reset to |0⟩ (whatever the state)",
                  "\\lvert 0\\rangle", fixed=(1.0,)),
    ChannelOpSpec("measure", "phase_damping", 1, (),
                  "Mid-circuit measurement, result discarded (dephasing in Z)", "\\mathrm{M}",
                  fixed=(1.0,)),
)}
"""Every channel operation by name (see the module docstring)."""


def is_channel_op(name: str) -> bool:
    """True if ``name`` is a channel operation rather than a gate."""
    return name in CHANNEL_OPS


def operation_spec(name: str) -> GateSpec | ChannelOpSpec:
    """The facts of the operation ``name``: a gate's spec (aliases accepted) or a channel
    operation's; an unknown name is a :class:`~qmlstudio.core.CircuitError` listing both."""
    if isinstance(name, str):
        # The common case first (a canonical gate name): circuits build many operations.
        spec = GATES.get(name) or CHANNEL_OPS.get(name)
        if spec is not None:
            return spec
    try:
        return gate_spec(name)  # aliases and other spellings
    except CircuitError:
        raise CircuitError(f"unknown gate or channel {name!r}; known gates: {', '.join(GATES)}; "
                           f"channels: {', '.join(CHANNEL_OPS)}") from None
