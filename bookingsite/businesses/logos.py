"""An uploaded logo is stored as Pillow draws it again: decoded, and encoded anew in the type it
detected, under a name of that type (DESIGN.md 8).

So a real PNG uploaded as `x.pdf` is stored as a .png and served as image/png, never as a PDF
(or HTML) from the site's origin, and nothing that rode along in the file survives: bytes after
the image, EXIF (a phone's location), ICC profiles, text chunks. Animated GIF and WebP keep their
first frame. The pixel count is read from the header and bounded before anything is decoded (a
small file can claim a huge image: a decompression bomb), and the logo is scaled down to what the
pages and emails show.
"""

from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

# Pillow's format name: the file extension and MIME type the logo is stored and served as.
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
           "WEBP": ("webp", "image/webp")}
MAX_PIXELS = 4096 * 4096
# The pages show a logo at 56 CSS pixels at most, so 256 is sharp on a 3x screen and stays a few KB.
MAX_SIDE = 256

NOT_AN_IMAGE = _("That file is not an image we can read. Use PNG, JPEG, GIF or WebP.")
WRONG_TYPE = _("Use a PNG, JPEG, GIF or WebP image.")
TOO_BIG = _("Use a smaller image: at most 4096 × 4096 pixels.")


def logo_reencoded(upload: UploadedFile) -> UploadedFile:
    """The upload drawn again as a fresh file of its detected type, at most MAX_SIDE pixels a side.

    Raises ValidationError for a file Pillow cannot read as PNG, JPEG, GIF or WebP, or an image
    of more than MAX_PIXELS.
    """
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            kind = image.format
            if kind not in FORMATS:
                raise ValidationError(WRONG_TYPE, code="invalid_extension")
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(TOO_BIG, code="too_many_pixels")
            image.thumbnail((MAX_SIDE, MAX_SIDE))  # decodes the first frame only, JPEGs at a reduced scale
            upright = ImageOps.exif_transpose(image).convert("RGB" if kind == "JPEG" else "RGBA")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:  # Pillow's ways to say "broken"
        raise ValidationError(NOT_AN_IMAGE, code="invalid_image") from exc
    # Only the pixels go on: a new image carries none of the original's metadata (info, EXIF, ICC).
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    out = BytesIO()
    clean.save(out, format=kind, **({"quality": 90} if kind in ("JPEG", "WEBP") else {}))
    extension, content_type = FORMATS[kind]
    return SimpleUploadedFile(f"logo.{extension}", out.getvalue(), content_type=content_type)
