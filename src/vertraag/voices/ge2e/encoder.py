"""The GE2E speaker encoder (Wan et al. 2018) of Resemblyzer 0.1.4, run in numpy.

Three LSTM layers of 256 units over 40 mel bands, then a linear layer, ReLU and unit length: an embedding
where the same voice points the same way. The weights are Resemblyzer's (Apache-2.0, Resemble AI; see
NOTICE.md beside this file), read by `ge2e.weights` without torch.

Resemblyzer cuts an utterance into 1.6 s pieces (padding the last one with silence) and averages their
embeddings; one pass of the LSTM over the whole real segment judges short segments better (no padding) and
costs the same, so a segment gets one pass. A calibration (several seconds) is embedded in 1.6 s pieces,
averaged, as Resemblyzer embeds a speaker.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vertraag.voices.ge2e.mel import mel_frames
from vertraag.voices.ge2e.weights import load_state

Floats32 = npt.NDArray[np.float32]

LAYERS = 3  # model_num_layers
PIECE_FRAMES = 160  # partials_n_frames: 1.6 s, the length Resemblyzer was trained on
PIECE_STEP_FRAMES = 80  # half a piece: Resemblyzer's default of about 1.3 pieces per second, rounded
GATES = 4  # PyTorch's LSTM gate order: input, forget, cell, output


def _sigmoid(x: Floats32) -> Floats32:
    return np.asarray(0.5 + 0.5 * np.tanh(0.5 * x), dtype=np.float32)  # the logistic, without overflow


class Ge2eEncoder:
    """Voice embeddings (256 numbers, unit length) of 16 kHz int16 speech."""

    def __init__(self, state: dict[str, Floats32] | None = None) -> None:
        weights = state if state is not None else load_state()
        self._layers = [
            (
                weights[f"lstm.weight_ih_l{n}"].T.copy(),
                weights[f"lstm.weight_hh_l{n}"].T.copy(),
                weights[f"lstm.bias_ih_l{n}"] + weights[f"lstm.bias_hh_l{n}"],
            )
            for n in range(LAYERS)
        ]
        self._linear = (weights["linear.weight"].T.copy(), weights["linear.bias"])

    def _final_hidden(self, mels: Floats32) -> Floats32:
        """The last layer's hidden state after the whole sequence (frames x 40 -> 256)."""
        sequence = mels
        hidden = np.zeros(0, dtype=np.float32)
        for w_in, w_rec, bias in self._layers:
            inputs = sequence @ w_in + bias  # the input side of every step at once
            size = w_rec.shape[0]
            hidden = np.zeros(size, dtype=np.float32)
            cell = np.zeros(size, dtype=np.float32)
            outputs = np.empty((len(sequence), size), dtype=np.float32)
            for t in range(len(sequence)):
                gates = inputs[t] + hidden @ w_rec
                i, f, g, o = np.split(gates, GATES)
                cell = _sigmoid(f) * cell + _sigmoid(i) * np.tanh(g)
                hidden = _sigmoid(o) * np.tanh(cell)
                outputs[t] = hidden
            sequence = outputs
        return hidden

    def _embedding(self, mels: Floats32) -> Floats32:
        w, b = self._linear
        raw = np.maximum(self._final_hidden(mels) @ w + b, 0.0)
        return _unit(raw)

    def embed(self, samples: npt.NDArray[np.int16]) -> Floats32:
        """One pass over a speech segment."""
        return self._embedding(mel_frames(samples))

    def embed_speaker(self, samples: npt.NDArray[np.int16]) -> Floats32:
        """A calibration's embedding: the average of its 1.6 s pieces, at unit length."""
        mels = mel_frames(samples)
        starts = range(0, max(1, len(mels) - PIECE_FRAMES + 1), PIECE_STEP_FRAMES)
        pieces = [self._embedding(mels[s : s + PIECE_FRAMES]) for s in starts]
        return _unit(np.mean(pieces, axis=0).astype(np.float32))


def _unit(vector: Floats32) -> Floats32:
    norm = float(np.linalg.norm(vector))
    return np.asarray(vector / norm if norm > 0 else vector, dtype=np.float32)
