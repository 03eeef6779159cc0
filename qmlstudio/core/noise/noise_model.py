"""Noise models: which channels follow which gates on which qubits, and readout errors.

A :class:`NoiseModel` is a value (it compares, hashes and round-trips through files). Its
:class:`NoiseRule` s say which channels follow a gate; :meth:`NoiseModel.channels_after` answers
"what noise follows gate ``g`` on wires ``w``" with the precedence of Qiskit Aer's
``NoiseModel``: rules naming the gate's exact wires replace the rules for any wires, and rules
follow one another in order. A gate no rule names takes the noise of its *stand-in* of the same
arity when the model has one (a device model names only the device's native gates, ``sx`` and
``cx``; a circuit's ``ry`` then takes the noise of one ``sx`` pulse).

Inside a rule each channel either names its positions among the gate's wires (``(0,)``: the
first wire) or, with no positions, acts on all of the gate's wires when its qubit count matches
and otherwise, for a one-qubit channel, on each of them in turn — "a depolarizing channel after
every gate on each wire it touched" (workload W4) is one rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from qmlstudio.core.errors import NoiseError
from qmlstudio.core.noise.channels import Channel

__all__ = ["NoiseModel", "NoiseRule", "ReadoutError"]


@dataclass(frozen=True, slots=True)
class ReadoutError:
    """A qubit's measurement confusion: ``p1_given_0`` the chance to read 1 from a prepared 0,
    ``p0_given_1`` the chance to read 0 from a prepared 1 (Aer's
    ``ReadoutError([[1 − p1_given_0, p1_given_0], [p0_given_1, 1 − p0_given_1]])``)."""

    p1_given_0: float
    p0_given_1: float

    def __post_init__(self) -> None:
        for name in ("p1_given_0", "p0_given_1"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or \
                    not 0.0 <= value <= 1.0:
                raise NoiseError(f"readout error {name}: must be a probability in [0, 1], got "
                                 f"{value!r}")
            object.__setattr__(self, name, float(value))

    @property
    def matrix(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """Rows: prepared 0, 1; columns: read 0, 1."""
        return ((1 - self.p1_given_0, self.p1_given_0), (self.p0_given_1, 1 - self.p0_given_1))


Placed = tuple[Channel, tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class NoiseRule:
    """Channels that follow the gates a rule matches.

    ``channels``: ``(channel, positions)`` pairs applied in order (positions index the gate's
    wires; empty: see the module docstring); no channels at all mark the gate as noiseless
    (a device's virtual ``rz``), so it takes no stand-in's noise. ``gates``: gate names
    (empty: any gate).
    ``qubits``: the gate's exact wires (None: any). ``n_wires``: only gates acting on that
    many wires (None: any).
    """

    channels: tuple[Placed, ...]
    gates: tuple[str, ...] = ()
    qubits: tuple[int, ...] | None = None
    n_wires: int | None = None

    def __post_init__(self) -> None:
        placed = []
        for i, item in enumerate(self.channels):
            channel, positions = item if isinstance(item, tuple) else (item, ())
            if not isinstance(channel, Channel):
                raise NoiseError(f"rule channel {i}: expected a Channel, got {channel!r}")
            positions = tuple(positions)
            if positions and (len(positions) != channel.n_qubits or len(set(positions))
                              != len(positions) or min(positions) < 0):
                raise NoiseError(f"rule channel {i}: a {channel.n_qubits}-qubit channel needs "
                                 f"{channel.n_qubits} distinct wire position(s), got "
                                 f"{list(positions)}")
            placed.append((channel, positions))
        object.__setattr__(self, "channels", tuple(placed))
        object.__setattr__(self, "gates", tuple(self.gates))
        if self.qubits is not None:
            qubits = tuple(self.qubits)
            if any(isinstance(q, bool) or not isinstance(q, int) or q < 0 for q in qubits) \
                    or len(set(qubits)) != len(qubits) or not qubits:
                raise NoiseError(f"rule qubits: expected distinct wire numbers, got "
                                 f"{list(qubits)}")
            object.__setattr__(self, "qubits", qubits)

    def matches(self, gate: str, wires: tuple[int, ...]) -> bool:
        """True when this rule follows ``gate`` on ``wires``."""
        return ((not self.gates or gate in self.gates)
                and (self.qubits is None or self.qubits == wires)
                and (self.n_wires is None or self.n_wires == len(wires)))

    def placed(self, gate: str, wires: tuple[int, ...]) -> list[tuple[Channel, tuple[int, ...]]]:
        """The rule's channels with the circuit wires each acts on, after ``gate`` on
        ``wires``."""
        out = []
        for channel, positions in self.channels:
            if positions:
                if max(positions) >= len(wires):
                    raise NoiseError(f"a noise rule places a channel on wire position "
                                     f"{max(positions)} of {gate}, which acts on "
                                     f"{len(wires)} wire(s)")
                out.append((channel, tuple(wires[p] for p in positions)))
            elif channel.n_qubits == len(wires):
                out.append((channel, wires))
            elif channel.n_qubits == 1:
                out.extend((channel, (wire,)) for wire in wires)
            else:
                raise NoiseError(f"a {channel.n_qubits}-qubit {channel.kind} channel cannot "
                                 f"follow {gate}, which acts on {len(wires)} wire(s)")
        return out


@dataclass(frozen=True, slots=True)
class NoiseModel:
    """Channels after gates and readout errors (see the module docstring).

    ``readout``: ``(qubit, ReadoutError)`` pairs; ``default_readout`` applies to every other
    qubit. ``stand_ins``: ``(arity, gate name)`` pairs. ``name`` says where the model came from;
    ``notes`` lists what was adjusted while building it (e.g. a T2 capped at 2·T1), for the user
    to read.
    """

    rules: tuple[NoiseRule, ...] = ()
    readout: tuple[tuple[int, ReadoutError], ...] = ()
    default_readout: ReadoutError | None = None
    stand_ins: tuple[tuple[int, str], ...] = ()
    name: str = "ideal"
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for i, rule in enumerate(self.rules):
            if not isinstance(rule, NoiseRule):
                raise NoiseError(f"rules[{i}]: expected a NoiseRule, got {rule!r}")
        object.__setattr__(self, "rules", tuple(self.rules))
        readout = tuple((int(q), error) for q, error in self.readout)
        if len({q for q, _ in readout}) != len(readout):
            raise NoiseError("readout: a qubit has two readout errors")
        object.__setattr__(self, "readout", tuple(sorted(readout)))
        object.__setattr__(self, "stand_ins", tuple(sorted(dict(self.stand_ins).items())))
        object.__setattr__(self, "notes", tuple(self.notes))

    # -- presets -----------------------------------------------------------------------------
    @classmethod
    def ideal(cls) -> NoiseModel:
        """No noise at all."""
        return cls()

    @classmethod
    def uniform_depolarizing(cls, p: float, readout: float = 0.0) -> NoiseModel:
        """A one-qubit depolarizing channel ``p`` on each wire after every gate, and a
        symmetric readout error ``readout`` on every qubit (workload W4 with ``readout=0``)."""
        error = ReadoutError(readout, readout) if readout else None
        return cls((NoiseRule(((Channel.depolarizing(p), ()),)),), default_readout=error,
                   name=f"uniform depolarizing p = {p:g}")

    @classmethod
    def thermal(cls, t1: float, t2: float, time_1q: float, time_2q: float) -> NoiseModel:
        """Thermal relaxation (``t1``, ``t2``) on each wire for the length of every gate:
        ``time_1q`` for one-qubit gates, ``time_2q`` for the rest (one time unit for all)."""
        return cls(tuple(NoiseRule(((Channel.thermal_relaxation(t1, t2, time), ()),),
                                   n_wires=n_wires)
                         for n_wires, time in ((1, time_1q), (2, time_2q), (3, time_2q))),
                   name=f"thermal relaxation T1 = {t1:g}, T2 = {t2:g}")

    def scaled(self, factor: float) -> NoiseModel:
        """The model with every channel's strength and every readout error times ``factor``
        (see :meth:`Channel.scaled`): 0 is ideal, 1 the model itself, 2 twice as noisy — what
        a robustness curve sweeps."""
        rules = tuple(NoiseRule(tuple((channel.scaled(factor), positions)
                                      for channel, positions in rule.channels),
                                rule.gates, rule.qubits, rule.n_wires) for rule in self.rules)

        def readout(error: ReadoutError | None) -> ReadoutError | None:
            if error is None:
                return None
            return ReadoutError(min(1.0, error.p1_given_0 * factor),
                                min(1.0, error.p0_given_1 * factor))

        return NoiseModel(rules, tuple((q, readout(e)) for q, e in self.readout),
                          readout(self.default_readout), self.stand_ins,
                          f"{self.name} × {factor:g}", self.notes)

    # -- queries -----------------------------------------------------------------------------
    @property
    def is_ideal(self) -> bool:
        """True when the model adds no noise."""
        return not self.rules and not self.readout and self.default_readout is None

    def channels_after(self, gate: str, wires: Iterable[int]) -> list[tuple[Channel,
                                                                           tuple[int, ...]]]:
        """The channels (with the circuit wires each acts on) that follow ``gate`` on
        ``wires``, in order."""
        wires = tuple(wires)
        for name in (gate, dict(self.stand_ins).get(len(wires))):
            if name is None:
                continue
            local = [rule for rule in self.rules if rule.qubits is not None
                     and rule.matches(name, wires)]
            chosen = local or [rule for rule in self.rules if rule.qubits is None
                               and rule.matches(name, wires)]
            if chosen or self._names(name):
                return [placed for rule in chosen for placed in rule.placed(name, wires)]
        return []

    def _names(self, gate: str) -> bool:
        """True when some rule names ``gate`` (then it has no stand-in)."""
        return any(gate in rule.gates for rule in self.rules)

    def readout_error(self, qubit: int) -> ReadoutError | None:
        """The readout error of ``qubit`` (None: read perfectly)."""
        return dict(self.readout).get(qubit, self.default_readout)
