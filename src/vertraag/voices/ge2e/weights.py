"""Read the GE2E encoder's weights from the Resemblyzer wheel without torch.

`resemblyzer/pretrained.pt` (Resemblyzer 0.1.4, Apache-2.0, Resemble AI) is a torch checkpoint in torch's
older, non-zip serialisation: five pickles in a row (magic number, protocol version, system info, the
checkpoint object, the storage keys), then each storage's raw little-endian bytes. The checkpoint's pickle
may only name an ordered dict, float storages and torch's tensor rebuild: this unpickler allows those three
and refuses everything else, so the file cannot run code.

The wheel is installed with `pip install --no-deps Resemblyzer==0.1.4` (scripts/setup.sh): its Python
package is never imported (that would import torch); the file is found through the import system only.
"""

from __future__ import annotations

import importlib.util
import io
import pickle
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import numpy as np
import numpy.typing as npt

WHEEL = "Resemblyzer==0.1.4"
PACKAGE, FILE = "resemblyzer", "pretrained.pt"
LEGACY_MAGIC = 0x1950A86A20F9469CFC6C  # torch's mark for the old serialisation
LEGACY_PROTOCOL = 1001
STORAGE_DTYPES = {"FloatStorage": np.dtype("<f4")}  # all this checkpoint holds
COUNT_BYTES = 8  # each storage starts with its element count as int64


class WeightsMissing(RuntimeError):
    """The Resemblyzer wheel is not installed (or its weights file is not where 0.1.4 keeps it)."""


@dataclass
class _Storage:
    key: str
    dtype: np.dtype[Any]
    data: npt.NDArray[Any] | None = None


@dataclass
class _Tensor:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]

    def array(self) -> npt.NDArray[np.float32]:
        assert self.storage.data is not None
        itemsize = self.storage.dtype.itemsize
        base = self.storage.data[self.offset :]
        strided = np.lib.stride_tricks.as_strided(
            base, shape=self.size, strides=tuple(s * itemsize for s in self.stride), writeable=False
        )
        return np.array(strided, dtype=np.float32)


def _rebuild_tensor(
    storage: _Storage, offset: int, size: tuple[int, ...], stride: tuple[int, ...], *_: object
) -> _Tensor:
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _Storages:
    def __init__(self) -> None:
        self.by_key: dict[str, _Storage] = {}

    def load(self, saved_id: object) -> _Storage:
        if not (isinstance(saved_id, tuple) and len(saved_id) >= 3 and saved_id[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {saved_id!r}")
        kind, key = saved_id[1], str(saved_id[2])
        if not isinstance(kind, _StorageKind):
            raise pickle.UnpicklingError("storage of an unknown type")
        return self.by_key.setdefault(key, _Storage(key, kind.dtype))


@dataclass(frozen=True)
class _StorageKind:
    dtype: np.dtype[Any]


class _Restricted(pickle.Unpickler):
    def __init__(self, file: IO[bytes], storages: _Storages) -> None:
        super().__init__(file)
        self._storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return _rebuild_tensor
        if module == "torch" and name in STORAGE_DTYPES:
            return _StorageKind(STORAGE_DTYPES[name])
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a weights file")

    def persistent_load(self, pid: object) -> _Storage:
        return self._storages.load(pid)


def read_legacy_checkpoint(data: bytes) -> dict[str, Any]:
    """The checkpoint object of an old-format torch file, tensors as float32 numpy arrays."""
    stream = io.BytesIO(data)
    if _Restricted(stream, _Storages()).load() != LEGACY_MAGIC:
        raise ValueError("not a torch checkpoint in the old format")
    if _Restricted(stream, _Storages()).load() != LEGACY_PROTOCOL:
        raise ValueError("unknown torch checkpoint protocol")
    _Restricted(stream, _Storages()).load()  # system info: byte order and type sizes (little-endian here)
    storages = _Storages()
    checkpoint = _Restricted(stream, storages).load()
    for key in _Restricted(stream, storages).load():
        storage = storages.by_key[str(key)]
        count = int(np.frombuffer(stream.read(COUNT_BYTES), dtype="<i8")[0])
        raw = stream.read(count * storage.dtype.itemsize)
        storage.data = np.frombuffer(raw, dtype=storage.dtype)
    return _resolve(checkpoint)  # type: ignore[no-any-return]


def _resolve(value: Any) -> Any:
    if isinstance(value, _Tensor):
        return value.array()
    if isinstance(value, dict):
        return {str(k): _resolve(v) for k, v in value.items()}
    return value


def weights_path() -> Path:
    """Where the installed wheel keeps `pretrained.pt`, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise WeightsMissing(
            f"the GE2E voice encoder needs `pip install --no-deps {WHEEL}` (scripts/setup.sh)"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / FILE
    if not path.is_file():
        raise WeightsMissing(f"{path} is missing: reinstall with `pip install --no-deps {WHEEL}`")
    return path


def load_state(path: Path | None = None) -> dict[str, npt.NDArray[np.float32]]:
    """The encoder's `model_state`: parameter name -> float32 array."""
    checkpoint = read_legacy_checkpoint((path or weights_path()).read_bytes())
    state = checkpoint.get("model_state")
    if not isinstance(state, dict):
        raise ValueError("the checkpoint has no model_state")
    return {name: value for name, value in state.items() if isinstance(value, np.ndarray)}
