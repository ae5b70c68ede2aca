"""Local GGUF models for the embedded backend, each checked by its sha256. The modules, by role:

- `errors`: ModelStoreError and its kinds, whose text says why and which command fixes it;
- `catalog`: the known models (file, size, sha256, PyPI packages, Hub file);
- `local`: the model dir, the site-packages folders, hashing and the `<file>.sha256` marker;
- `writing`: putting a verified file into the model dir (locked, renamed into place only once checked);
- `lookup`: `resolve`, `model_status` and `verify`, offline;
- `hub`: `download` from the Hugging Face Hub, resuming a partial file;
- `fetch`: `pull` (installed packages, pip, the Hub). With `hub`, the only modules that use the network.
"""

from secreview.backends.model_store.catalog import (
    DEFAULT_MODEL,
    MODELS,
    ModelSpec,
    get_model,
    known_model,
    numbered_parts,
)
from secreview.backends.model_store.errors import (
    CorruptModelError,
    ModelNotFoundError,
    ModelStoreError,
    UnknownModelError,
)
from secreview.backends.model_store.fetch import SOURCES, pull
from secreview.backends.model_store.hub import download
from secreview.backends.model_store.local import (
    MODEL_DIR_ENV,
    Progress,
    find_packaged_files,
    model_dir,
    recorded_sha256,
)
from secreview.backends.model_store.lookup import ModelStatus, Verification, model_status, resolve, verify

__all__ = [
    "DEFAULT_MODEL",
    "MODELS",
    "MODEL_DIR_ENV",
    "SOURCES",
    "CorruptModelError",
    "ModelNotFoundError",
    "ModelSpec",
    "ModelStatus",
    "ModelStoreError",
    "Progress",
    "UnknownModelError",
    "Verification",
    "download",
    "find_packaged_files",
    "get_model",
    "known_model",
    "model_dir",
    "model_status",
    "numbered_parts",
    "pull",
    "recorded_sha256",
    "resolve",
    "verify",
]
