"""The device noise model from a calibration file against Qiskit Aer's
``NoiseModel.from_backend_properties`` on the same file: the same channels after every gate on
every qubit set (compared by their action on random density matrices), the same readout errors."""

import json
from pathlib import Path

import numpy as np
import pytest
from qiskit.quantum_info import DensityMatrix, random_density_matrix
from qiskit_aer.backends.backendproperties import AerBackendProperties
from qiskit_aer.noise import NoiseModel as AerNoiseModel

from qmlstudio.core import NoiseError
from qmlstudio.core.noise import Channel, device_noise_model

DEVICES = Path(__file__).resolve().parents[3] / "resources" / "devices"


def _apply(placed, wires, rho):
    """Our channels after a gate on ``wires``, on a density matrix of those wires."""
    n = len(wires)
    local = {wire: position for position, wire in enumerate(wires)}
    for channel, on in placed:
        positions = [local[w] for w in on]
        rho = _embed(channel, positions, n, rho)
    return rho


def _embed(channel: Channel, positions, n, rho):
    ops = channel.kraus_operators()
    k = len(positions)
    out = np.zeros_like(rho)
    for op in ops:
        full = op.reshape((2,) * (2 * k))
        tensor = rho.reshape((2,) * (2 * n))
        # K on the chosen row axes, K† on the chosen column axes.
        tensor = np.moveaxis(np.tensordot(full, tensor, axes=(list(range(k, 2 * k)),
                                                              positions)),
                             list(range(k)), positions)
        cols = [n + p for p in positions]
        tensor = np.moveaxis(np.tensordot(tensor, full.conj(), axes=(cols, list(range(k, 2 * k)))),
                             list(range(2 * n - k, 2 * n)), cols)
        out += tensor.reshape(rho.shape)
    return out


@pytest.mark.parametrize("device", ["props_manila.json", "props_lagos.json"])
def test_device_model_equals_aer_from_backend(device):
    document = json.loads((DEVICES / device).read_text())
    ours = device_noise_model(document, device)
    reference = AerNoiseModel.from_backend_properties(AerBackendProperties.from_dict(document))
    compared = 0
    for gate in document["gates"]:
        name, wires = gate["gate"], tuple(gate["qubits"])
        error = reference._local_quantum_errors.get(name, {}).get(wires)
        placed = ours.channels_after(name, wires)
        if error is None:
            assert not placed, (name, wires)
            continue
        n = len(wires)
        for seed in range(2):
            rho = random_density_matrix(2 ** n, seed=seed).data
            expected = DensityMatrix(rho).evolve(error, qargs=list(range(n))[::-1]).data
            np.testing.assert_allclose(_apply(placed, wires, rho), expected, atol=1e-12)
        compared += 1
    assert compared >= len(document["qubits"]) * 3  # id, sx, x per qubit at least, and cx
    for qubit in range(len(document["qubits"])):
        expected = reference._local_readout_errors[(qubit,)].probabilities
        np.testing.assert_allclose(ours.readout_error(qubit).matrix, expected, atol=1e-15)


def test_stand_ins_and_t2_caps():
    document = json.loads((DEVICES / "props_manila.json").read_text())
    model = device_noise_model(document)
    assert model.name == "ibmq_manila (2024-05-27)"
    assert dict(model.stand_ins) == {1: "sx", 2: "cx"}
    assert model.channels_after("ry", (2,)) == model.channels_after("sx", (2,))
    assert model.channels_after("cz", (1, 2)) == model.channels_after("cx", (1, 2))
    assert model.channels_after("cx", (0, 4)) == []  # not coupled: no calibration
    t1 = next(p for p in document["qubits"][1] if p["name"] == "T1")["value"]
    next(p for p in document["qubits"][1] if p["name"] == "T2")["value"] = 3 * t1
    capped = device_noise_model(document)
    assert any(note.startswith("qubit 1: T2 =") and "capped at 2·T1" in note
               for note in capped.notes)
    relax = [c for c, _ in capped.channels_after("sx", (1,)) if c.kind == "thermal_relaxation"]
    assert relax[0].params[1] == pytest.approx(2 * t1 * 1e3)


@pytest.mark.parametrize(("edit", "message"), [
    (lambda d: d.pop("qubits"), r"\$: the field 'qubits' is missing"),
    (lambda d: d.__setitem__("qubits", {}), r"\$.qubits: expected a list"),
    (lambda d: d["qubits"][2][0].__setitem__("value", "long"),
     r"\$.qubits\[2\]\[0\].value: expected an integer or a number, got str"),
    (lambda d: d["qubits"][0][4].__setitem__("value", 1.5),
     r"\$.qubits\[0\]\[4\].value: readout_error must lie in \[0, 1\]"),
    (lambda d: d["qubits"][0][0].__setitem__("unit", "fortnights"),
     r"\$.qubits\[0\]\[0\].unit: unknown time unit 'fortnights'"),
    (lambda d: d["gates"][3].__setitem__("qubits", [9]),
     r"\$.gates\[3\].qubits: expected distinct qubits 0..4"),
    (lambda d: d["gates"][3]["parameters"][0].pop("name"),
     r"\$.gates\[3\].parameters\[0\]: the field 'name' is missing"),
    (lambda d: d["gates"][3]["parameters"][0].__setitem__("value", -0.5),
     r"\$.gates\[3\].parameters\[0\].value: gate_error must lie in \[0, 1\]"),
    (lambda d: d.__setitem__("gates", 7), r"\$.gates: expected a list, got int"),
])
def test_malformed_calibrations_name_the_json_path(edit, message):
    document = json.loads((DEVICES / "props_manila.json").read_text())
    edit(document)
    with pytest.raises(NoiseError, match="^manila.json: " + message):
        device_noise_model(document, "manila.json")
    with pytest.raises(NoiseError, match=r"\$: expected an object"):
        device_noise_model([1, 2], "")
