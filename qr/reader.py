"""Reading QR codes from images (a photo, a scan, a rendered page) with zxing-cpp.

Images come from strangers: the file size and the pixel count are limited
before anything is decoded, and what Pillow cannot open is a clear error.
"""

from __future__ import annotations

import io
import warnings

from .errors import NoCodeFound, QrError

MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: A 12-megapixel phone photo fits; a decompression bomb does not.
MAX_PIXELS = 40_000_000


def read_codes(data: bytes, *, max_bytes: int = MAX_IMAGE_BYTES, max_pixels: int = MAX_PIXELS) -> list[str]:
    """The texts of the QR codes in an image file (PNG, JPEG, WebP, GIF, BMP), best first.

    :raises QrError: if the file is too large or not an image.
    :raises NoCodeFound: if the image holds no readable QR code.
    """
    from PIL import Image, UnidentifiedImageError
    import zxingcpp

    if len(data) > max_bytes:
        raise QrError(f"the image is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > max_pixels:
                raise QrError(f"the image is {image.width}×{image.height} pixels, more than "
                              f"{max_pixels // 1_000_000} megapixels")
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError,
            SyntaxError, ValueError) as error:
        raise QrError(f"the file is not an image that can be read ({type(error).__name__})") from None
    image = image.convert("L")
    texts = [result.text for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode,
                                                              try_rotate=True, try_downscale=True)
             if result.valid and result.text]
    if not texts:
        raise NoCodeFound("no QR code could be read in the image: try a sharper, straighter photo "
                          "with the whole code in view")
    return texts


def read_code(data: bytes, **limits) -> str:
    """The text of the (first) QR code in an image; see :func:`read_codes`."""
    return read_codes(data, **limits)[0]
