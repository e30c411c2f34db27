"""Engines shared by several apps: code that talks to Tesseract, dlib or a document layout and
imports no models, so any app may call it (STYLE: "engines shared by several apps live once in
smartbank/").

- :mod:`.ocr` Tesseract readings of an image (the KYC pipeline, seed 004's OCR flow, waiver
  certificates);
- :mod:`.faces` face detection, encodings and distances with dlib (the KYC pipeline);
- :mod:`.documents` readers of identity cards (Aadhaar, PAN: blind and claim-guided) and of
  certificate numbers (:mod:`.documents.certificates`, the waivers).

Engines used by one app only stay in that app: loans' rule engine, sanctions screening and EMI
arithmetic are ``loans/rules.py``, ``loans/screening.py`` and ``loans/emi.py``.
"""
