"""Photos on cases: what an upload must be, how it is re-encoded and kept (no store)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from cases.photos import (
    CORRUPT,
    JPEG,
    PNG,
    TOO_LARGE,
    TOO_MANY_PIXELS,
    UNSUPPORTED,
    PhotoFiles,
    PhotoLimits,
    PhotoRefused,
    prepare,
    sniff,
)
from tests.cases.photo_samples import (
    GPS_IFD,
    XMP,
    bomb_png,
    gif,
    gps_exif,
    halves,
    jpeg,
    png,
    png_chunks,
    srgb_profile,
)

LIMITS = PhotoLimits()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def refusal(body: bytes, limits: PhotoLimits = LIMITS) -> PhotoRefused:
    with pytest.raises(PhotoRefused) as caught:
        prepare(body, limits)
    return caught.value


def test_a_jpeg_is_taken_and_re_encoded_as_a_jpeg() -> None:
    photo = prepare(jpeg(), LIMITS)
    assert (photo.mime, photo.width, photo.height) == (JPEG, 40, 20)
    image = opened(photo.data)
    assert image.format == "JPEG" and image.size == (40, 20)
    red, blue = image.getpixel((5, 10)), image.getpixel((35, 10))
    assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0]


def test_a_png_is_taken_with_its_transparency() -> None:
    see_through = halves(mode="RGBA")
    see_through.putpixel((0, 0), (0, 0, 0, 0))
    photo = prepare(png(see_through), LIMITS)
    assert (photo.mime, photo.width, photo.height) == (PNG, 40, 20)
    image = opened(photo.data)
    assert image.format == "PNG" and image.mode == "RGBA"
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((30, 5)) == (0, 0, 255, 255)


def test_the_content_decides_not_the_name_or_the_claimed_type() -> None:
    assert sniff(jpeg()) == JPEG and sniff(png()) == PNG
    assert sniff(gif()) is None and sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (gif(), "GIF"),
        (b"just some words, not a photo", "text"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "text"),
        (b"", "empty"),
        (b"%PDF-1.7\n" + bytes(range(256)), "PDF"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(32), "HEIC"),
    ],
)
def test_other_formats_and_text_are_refused_by_name(body: bytes, named: str) -> None:
    refused = refusal(body)
    assert refused.problem == UNSUPPORTED
    assert "JPEG and PNG" in str(refused) and named in str(refused)


def test_a_truncated_jpeg_is_refused() -> None:
    whole = jpeg(Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)))
    refused = refusal(whole[: len(whole) // 2])
    assert refused.problem == CORRUPT and "JPEG" in str(refused)


@pytest.mark.parametrize("damage", ["truncated", "checksum", "header only"])
def test_a_broken_png_is_refused(damage: str) -> None:
    whole = png(Image.frombytes("RGB", (64, 64), os.urandom(64 * 64 * 3)))
    if damage == "truncated":
        body = whole[: len(whole) // 2]
    elif damage == "checksum":
        flipped = bytearray(whole)
        flipped[50] ^= 0xFF  # inside the image data: its CRC no longer matches
        body = bytes(flipped)
    else:
        body = whole[:40]
    refused = refusal(body)
    assert refused.problem == CORRUPT and "PNG" in str(refused)


def test_a_jpeg_signature_over_garbage_is_refused_in_plain_words() -> None:
    refused = refusal(b"\xff\xd8\xff" + b"not really a jpeg" * 4)
    assert refused.problem == CORRUPT and "header is broken" in str(refused)
    assert "BytesIO" not in str(refused)


def test_a_body_past_the_byte_limit_is_refused_before_decoding() -> None:
    body = jpeg()
    refused = refusal(body, PhotoLimits(max_bytes=len(body) - 1))
    assert refused.problem == TOO_LARGE and f"{len(body):,}" in str(refused)
    assert prepare(body, PhotoLimits(max_bytes=len(body))).mime == JPEG


def test_a_decompression_bomb_is_refused_before_it_is_decoded() -> None:
    bomb = bomb_png(8000, 6000)  # 48 megapixels in a few dozen kilobytes
    assert len(bomb) < 100_000
    refused = refusal(bomb, PhotoLimits(max_pixels=40_000_000))
    assert refused.problem == TOO_MANY_PIXELS and "8000×6000" in str(refused)
    # Past Pillow's own guard too (its header claims ten gigapixels).
    assert refusal(bomb_png(100_000, 100_000, rows=4)).problem == TOO_MANY_PIXELS


def test_gps_and_all_other_metadata_are_stripped_from_a_jpeg() -> None:
    sent = jpeg(exif=gps_exif(), xmp=XMP, comment=b"taken at home, 3rd floor")
    assert Image.open(io.BytesIO(sent)).getexif().get_ifd(GPS_IFD), "the sample has GPS"
    kept = prepare(sent, LIMITS).data
    image = opened(kept)
    assert not image.getexif() and not image.getexif().get_ifd(GPS_IFD)
    assert "exif" not in image.info and "xmp" not in image.info and "comment" not in image.info
    for trace in (b"Exif\x00\x00", b"PhoneMaker", b"ns.adobe.com", b"GPSLatitude", b"home"):
        assert trace not in kept, trace


def test_gps_and_text_are_stripped_from_a_png() -> None:
    from PIL.PngImagePlugin import PngInfo

    text = PngInfo()
    text.add_text("Comment", "taken at home")
    text.add_itxt("XML:com.adobe.xmp", XMP.decode())
    sent = png(exif=gps_exif(), pnginfo=text)
    assert {b"eXIf", b"tEXt", b"iTXt"} <= set(png_chunks(sent)), "the sample has them"
    kept = prepare(sent, LIMITS).data
    assert set(png_chunks(kept)) <= {b"IHDR", b"IDAT", b"IEND"}
    assert not opened(kept).getexif()


def test_the_colour_profile_is_kept() -> None:
    profile = srgb_profile()
    kept = opened(prepare(jpeg(icc_profile=profile), LIMITS).data)
    assert kept.info.get("icc_profile") == profile


def test_the_exif_orientation_is_applied() -> None:
    # Orientation 6: the camera was turned; shown upright, the left half is on top.
    sent = jpeg(halves((40, 20)), exif=gps_exif(orientation=6))
    photo = prepare(sent, LIMITS)
    assert (photo.width, photo.height) == (20, 40)
    image = opened(photo.data)
    assert image.size == (20, 40) and not image.getexif()
    top, bottom = image.getpixel((10, 5)), image.getpixel((10, 35))
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]


def test_other_modes_are_converted_to_ones_every_browser_shows() -> None:
    cmyk = Image.new("CMYK", (30, 30), (0, 255, 255, 0))  # red, in print colours
    shown = opened(prepare(jpeg(cmyk), LIMITS).data)
    assert shown.mode == "RGB" and shown.getpixel((5, 5))[0] > 200
    palette = Image.new("P", (30, 30))
    assert opened(prepare(png(palette, transparency=0), LIMITS).data).mode == "RGBA"


def test_the_same_photo_is_kept_once(tmp_path: Path) -> None:
    files = PhotoFiles(tmp_path / "media")
    first, again = prepare(jpeg(), LIMITS), prepare(jpeg(), LIMITS)
    assert first.sha256 == again.sha256 and first.data == again.data
    path = files.keep(first)
    assert files.keep(again) == path
    assert path.read_bytes() == first.data
    assert path.name == f"{first.sha256}.jpg" and path.parent.name == first.sha256[:2]
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert stored == [path], "one file, and no temporary left behind"
    other = files.keep(prepare(png(), LIMITS))
    assert other != path and other.suffix == ".png"
