"""Downloading a model file from the Hugging Face Hub (`$HF_ENDPOINT` overrides the base URL) into the model
dir, over HTTPS with urllib. An interrupted download leaves a `<file>.download` partial file that the next
one resumes with a byte range; a partial file whose hash turns out wrong is deleted.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from http.client import HTTPException, HTTPResponse
from pathlib import Path

from secreview.backends.model_store.catalog import HF_ENDPOINT_ENV, ModelSpec
from secreview.backends.model_store.errors import CorruptModelError, ModelNotFoundError, ModelStoreError
from secreview.backends.model_store.local import CHUNK_BYTES, Progress, hash_chunks, mismatch, read_chunks
from secreview.backends.model_store.writing import prepare, publish, write_once


def download(
    spec: ModelSpec,
    cache_dir: Path | None = None,
    endpoint: str | None = None,
    progress: Progress | None = None,
    timeout: float = 60.0,
) -> Path:
    """Download the model from the Hugging Face Hub into the model dir, resuming a partial download."""
    url = spec.hub_url(endpoint)
    if url is None:
        raise ModelNotFoundError(f"{spec.name} has no online source")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ModelStoreError(f"{HF_ENDPOINT_ENV} must be an http(s) URL, not {url}")
    folder = prepare(cache_dir)
    partial = folder / f"{spec.file_name}.download"

    def write() -> Path:
        try:
            return _download_locked(spec, url, folder, partial, progress, timeout)
        except OSError as error:
            raise ModelStoreError(f"cannot write {partial}: {error.strerror or error}") from None

    return write_once(spec, folder, write)


def _download_locked(
    spec: ModelSpec, url: str, folder: Path, partial: Path, progress: Progress | None, timeout: float
) -> Path:
    digest = hashlib.sha256()
    have = 0
    if partial.is_file():
        if partial.stat().st_size <= spec.size:
            have = hash_chunks(read_chunks([partial]), digest)
        else:
            partial.unlink()
    if have < spec.size:
        with _request(url, have, partial, timeout) as response:
            if have and response.status != 206:  # the server ignored the range: start again
                digest, have = hashlib.sha256(), 0
            elif have:
                start = re.match(r"bytes (\d+)-", response.headers.get("Content-Range", ""))
                if start is None or int(start.group(1)) != have:
                    partial.unlink(missing_ok=True)
                    raise ModelStoreError(f"download of {url} failed: the server resumed at the wrong offset")
            try:
                with partial.open("ab" if have else "wb") as out:
                    while chunk := response.read(CHUNK_BYTES):
                        have += len(chunk)
                        if have > spec.size:
                            break
                        digest.update(chunk)
                        out.write(chunk)
                        if progress is not None:
                            progress(have, spec.size)
                    out.flush()
                    os.fsync(out.fileno())
            except (HTTPException, OSError) as error:  # cut off: keep the prefix for a resume
                raise ModelStoreError(
                    f"download of {url} was interrupted ({error}); run {spec.pull_command} again to resume"
                ) from None
            # http.client ends a body cut short without an error; the bytes it still expected tell.
            if have < spec.size and getattr(response, "length", None):
                raise ModelStoreError(
                    f"download of {url} was interrupted after {have} of {spec.size} bytes; "
                    f"run {spec.pull_command} again to resume"
                )
    if have != spec.size or digest.hexdigest() != spec.sha256:
        partial.unlink(missing_ok=True)
        shown = digest.hexdigest() if have <= spec.size else "(not computed)"
        raise CorruptModelError(f"{mismatch(f'the file downloaded from {url}', spec, shown, have)}; it was deleted")
    return publish(spec, partial, folder)


def _request(url: str, have: int, partial: Path, timeout: float) -> HTTPResponse:
    """GET `url`, from byte `have` on when a partial file has that many."""
    headers = {"User-Agent": "secreview (model download)", "Accept-Encoding": "identity"}
    if have:
        headers["Range"] = f"bytes={have}-"
    try:
        # The scheme was checked to be http(s) in download().
        response: HTTPResponse = urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416:  # our partial file is longer than theirs: it cannot be a prefix of it
            partial.unlink(missing_ok=True)
        raise ModelStoreError(f"download of {url} failed: HTTP {error.code} {error.reason}") from None
    except (urllib.error.URLError, HTTPException, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ModelStoreError(f"cannot download {url}: {reason}") from None
    return response
