"""Photos on cases (处置反馈 evidence): what an upload must be, and where its file is kept.

An upload is taken only if its *content* is a JPEG or a PNG (never by its file name or the
mime type the client claims), no larger than the deployment's byte limit, no larger in
pixels than its pixel limit (a decompression bomb: a small file that decodes to gigabytes)
and decodes whole. It is then re-encoded: turned upright by its EXIF orientation and saved
without EXIF, XMP, text chunks or comments, so where and with what a photo was taken
(GPS, camera, owner) never leaves the center. Only the colour profile is kept.

Files are content-addressed: named by the SHA-256 of the re-encoded bytes, under
``MEDIA_DIR``; the same photo sent twice is kept once. A file is written (atomically) before
its row is committed, so a row never points at nothing; a row that failed to commit leaves
an unreferenced file behind, which is harmless.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from cases.model import CaseError

JPEG = "image/jpeg"
PNG = "image/png"
EXTENSIONS = {JPEG: "jpg", PNG: "png"}
# What the content starts with decides; Pillow then must read it as that format (its JPEG
# decoder also reads the multi-picture JPEGs many phones write, as MPO: the first is kept).
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
DECODERS = {JPEG: ("JPEG",), PNG: ("PNG",)}
# Formats people send by mistake, named in the refusal so they know what to change.
KNOWN_OTHERS = (
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"RIFF", "a WebP image or a RIFF file"),
    (b"%PDF", "a PDF document"),
    (b"BM", "a BMP image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
)
JPEG_QUALITY = 90
# Modes a photo is saved in as it is; any other is converted (CMYK, palette, 16-bit, …).
KEPT_MODES = {JPEG: ("L", "RGB"), PNG: ("L", "LA", "RGB", "RGBA")}

# Why an upload was refused (``PhotoRefused.problem``); the API maps each to its status.
TOO_LARGE = "too_large"
TOO_MANY_PIXELS = "too_many_pixels"
UNSUPPORTED = "unsupported_type"
CORRUPT = "corrupt"


class PhotoRefused(CaseError):
    """An upload that is not a photo the center takes; the message says what to change."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class UnknownPhoto(CaseError):
    def __init__(self, photo_id: int) -> None:
        super().__init__(f"no photo {photo_id}")
        self.photo_id = photo_id


@dataclass(frozen=True)
class PhotoLimits:
    max_bytes: int = 8 * 1024 * 1024
    max_pixels: int = 40_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    """An upload as it will be kept: re-encoded, upright, without metadata."""

    data: bytes
    mime: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class CasePhoto:
    """A photo attached to a case (one row of ``case_photos``)."""

    id: int
    case_id: int
    sha256: str
    mime: str
    width: int
    height: int
    bytes: int
    uploaded_by: str  # the actor's label, as in the event log
    uploaded_at: datetime


def sniff(body: bytes) -> str | None:
    """The mime type ``body``'s first bytes show it to be (JPEG or PNG), else None."""
    return next((mime for magic, mime in SIGNATURES if body.startswith(magic)), None)


def _what_else(body: bytes) -> str:
    if body[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1", b"ftyphevc"):
        return "a HEIC image (set the camera to JPEG, 'Most Compatible')"
    named = next((name for magic, name in KNOWN_OTHERS if body.startswith(magic)), None)
    if named:
        return named
    try:
        body[:512].decode("utf-8")
    except UnicodeDecodeError:
        return "not an image we know"
    return "text, not an image"


def prepare(body: bytes, limits: PhotoLimits) -> PreparedPhoto:
    """Check an upload and re-encode it; raises PhotoRefused with what is wrong."""
    if len(body) > limits.max_bytes:
        raise PhotoRefused(
            TOO_LARGE, f"a photo is at most {limits.max_bytes:,} bytes; this is {len(body):,}"
        )
    mime = sniff(body)
    if mime is None:
        what = "empty" if not body else _what_else(body)
        raise PhotoRefused(UNSUPPORTED, f"only JPEG and PNG photos are taken; this is {what}")
    try:
        image = Image.open(io.BytesIO(body), formats=DECODERS[mime])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow's own guard (the warning is an error where warnings are made errors).
        raise _too_many_pixels(None, limits) from None
    except Exception as exc:
        raise _corrupt(mime, exc) from None
    with image:
        width, height = image.size
        if width * height > limits.max_pixels:
            raise _too_many_pixels((width, height), limits)
        try:
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _encode(upright, mime, image.info.get("icc_profile"))
        except Exception as exc:
            # A decoder meeting hostile bytes may raise almost anything (Pillow's fuzzers
            # see OSError, SyntaxError, ValueError, struct.error, …): each is a corrupt
            # photo for the sender to look at, never a server error.
            raise _corrupt(mime, exc) from None


def _encode(image: Image.Image, mime: str, icc_profile: bytes | None) -> PreparedPhoto:
    if image.mode not in KEPT_MODES[mime]:
        alpha = mime == PNG and (image.has_transparency_data or "A" in image.mode)
        image = image.convert("RGBA" if alpha else "RGB")
    # Nothing of the original's metadata rides along: Pillow's encoders fall back to the
    # image's own info for some of it (a JPEG comment, a PNG's transparency).
    image.info = {}
    options: dict[str, object] = {"icc_profile": icc_profile} if icc_profile else {}
    if mime == JPEG:
        options.update(quality=JPEG_QUALITY, optimize=True)
    else:
        options.update(optimize=True)
    out = io.BytesIO()
    image.save(out, format="JPEG" if mime == JPEG else "PNG", **options)
    return PreparedPhoto(out.getvalue(), mime, image.width, image.height)


def _too_many_pixels(size: tuple[int, int] | None, limits: PhotoLimits) -> PhotoRefused:
    shown = f"{size[0]}×{size[1]}" if size else "far more than that"
    return PhotoRefused(
        TOO_MANY_PIXELS,
        f"a photo is at most {limits.max_pixels / 1e6:g} megapixels; this one is {shown}",
    )


def _corrupt(mime: str, exc: Exception) -> PhotoRefused:
    kind = "JPEG" if mime == JPEG else "PNG"
    if isinstance(exc, UnidentifiedImageError):
        detail = "its header is broken"  # Pillow's own words name a Python object
    else:
        detail = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
    return PhotoRefused(CORRUPT, f"the {kind} cannot be read whole ({detail}); send it again")


class PhotoFiles:
    """The photo files under ``root`` (MEDIA_DIR), each named by its SHA-256."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str, mime: str) -> Path:
        # Two hex digits of fan-out keep any one folder small.
        return self.root / "photos" / sha256[:2] / f"{sha256}.{EXTENSIONS[mime]}"

    def keep(self, photo: PreparedPhoto) -> Path:
        """Write ``photo``'s file unless it is there already (same content, same name)."""
        final = self.path(photo.sha256, photo.mime)
        if final.is_file() and final.stat().st_size == len(photo.data):
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        # Written whole to a temporary name, fsynced, then renamed: a reader sees the whole
        # file or none (two processes writing the same photo write the same bytes).
        handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(photo.data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return final

    def find(self, photo: CasePhoto) -> Path | None:
        """The file of ``photo`` (None: not in this MEDIA_DIR)."""
        found = self.path(photo.sha256, photo.mime)
        return found if found.is_file() else None
