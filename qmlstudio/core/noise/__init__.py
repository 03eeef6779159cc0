"""Noise as values: channels (:mod:`.channels`), noise models with readout errors
(:mod:`.noise_model`) and a device's model from its calibration data (:mod:`.device`).

Part of ``core``: numpy and the standard library only. The noisy engine and noisy training read
these values; files hold them through ``io``.
"""

from qmlstudio.core.noise.channels import CHANNEL_KINDS, CPTP_TOLERANCE, Channel, ChannelKind
from qmlstudio.core.noise.device import device_noise_model
from qmlstudio.core.noise.noise_model import NoiseModel, NoiseRule, ReadoutError

__all__ = [
    "CHANNEL_KINDS",
    "CPTP_TOLERANCE",
    "Channel",
    "ChannelKind",
    "NoiseModel",
    "NoiseRule",
    "ReadoutError",
    "device_noise_model",
]
