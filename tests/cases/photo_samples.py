"""Photos made for the tests: real JPEG and PNG files built with Pillow (or by hand, chunk
by chunk, where a file must be one Pillow would not write: a bomb, a broken checksum)."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import Image, ImageCms

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
    b'22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" '
    b'exif:GPSLatitude="36,40.0N"/></rdf:RDF></x:xmpmeta>'
)


def halves(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: where each half ends up shows a rotation."""
    image = Image.new(mode, size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))
    return image


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[MAKE] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"  # GPSLatitudeRef
    gps[2] = (36.0, 40.0, 12.5)  # GPSLatitude: 36°40'12.5" (历下区)
    gps[3] = "E"
    gps[4] = (117.0, 3.0, 30.0)
    return exif


def jpeg(image: Image.Image | None = None, **options: Any) -> bytes:
    out = io.BytesIO()
    (image or halves()).save(out, "JPEG", quality=95, **options)
    return out.getvalue()


def png(image: Image.Image | None = None, **options: Any) -> bytes:
    out = io.BytesIO()
    (image or halves()).save(out, "PNG", **options)
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    halves().save(out, "GIF")
    return out.getvalue()


def srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_chunks(body: bytes) -> list[bytes]:
    """The chunk types of a PNG, in order."""
    kinds, at = [], 8
    while at < len(body):
        (length,) = struct.unpack(">I", body[at : at + 4])
        kinds.append(body[at + 4 : at + 8])
        at += 12 + length
    return kinds


def bomb_png(width: int, height: int, rows: int | None = None) -> bytes:
    """A grey PNG of ``width`` × ``height`` whose pixels are all zero: a few kilobytes that
    decode to width × height bytes. ``rows``: encode only so many (the header still claims
    ``height``), for headers past any size worth compressing."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte, then the row
    data = b"".join(squeeze.compress(row) for _ in range(height if rows is None else rows))
    data += squeeze.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
