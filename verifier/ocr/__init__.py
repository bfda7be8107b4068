"""Text of scanned pages read by OCR (Tesseract, Vietnamese), for the metadata reader.

57 of 63 real state documents are scans without a text layer, as the Government portal publishes
them. Their header, date line and signature block are read here: the page drawn by PDFium
(verifier.render.pages) at 300 dpi in grey levels, read by Tesseract with its Vietnamese data
through tesserocr (in memory: no image, no output file), and turned into glyphs in the page's
user space, so that the same line builder and field parsers as for a text layer read them
(verifier.decree30.metadata), each value marked as OCR.

The library does this only when asked (TrustConfig.ocr); without Tesseract's Vietnamese data or
tesserocr, `missing()` says why and the pages stay without text.
"""

from verifier.ocr.engine import OCR_SOURCE, missing  # noqa: F401
