"""Aadhaar layouts: the card front (bilingual, English, photo-right PVC) and the top of the
e-Aadhaar letter."""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING, Final

from PIL import Image

from .drawing import (
    _AADHAAR_BGS,
    _GREENS,
    _H,
    _INKS,
    _ORANGES,
    _PHOTO_ASPECT,
    _REDS,
    _W,
    _aadhaar_logo,
    _emblem,
    _finish,
    _guilloche,
    _paste_face,
    _Pen,
    _qr,
    _shade,
)
from .people import _dmy, _grouped, _random_vid

if TYPE_CHECKING:
    from .model import CorpusCard


def _aadhaar_header(
    pen: _Pen, *, hindi: bool, english: str, align: str = "m", left_x: int = 150
) -> int:
    """Tricolour header with emblem and logo; return the y where the body starts."""
    rng = pen.rng
    d = pen.draw
    orange, green = rng.choice(_ORANGES), rng.choice(_GREENS)
    style = rng.choice(("bands", "stripes"))
    bottom = pen.jit(122, 4)
    if style == "bands":
        d.rectangle((0, 0, _W, rng.randint(14, 24)), fill=orange)
        d.rectangle((0, bottom, _W, bottom + rng.randint(7, 11)), fill=green)
    else:
        d.rectangle((0, 0, _W, 6), fill=orange)
        d.line((30, bottom + 2, _W - 30, bottom + 2), fill=orange, width=3)
        d.line((30, bottom + 8, _W - 30, bottom + 8), fill=green, width=3)
    _emblem(pen, pen.jit(72), pen.jit(66, 3), 78, rng.choice(((90, 70, 50), (60, 60, 60))))
    _aadhaar_logo(d, pen.jit(_W - 82), pen.jit(78, 3), 46)
    x = _W // 2 + pen.jit(0, 8) if align == "m" else pen.jit(left_x)
    ink = rng.choice(((20, 20, 20), (140, 30, 30), (30, 30, 30)))
    room = _W - 300 if align == "m" else _W - left_x - 150  # between emblem and logo
    if hindi:
        pen.text((x, pen.jit(62, 3)), "भारत सरकार", 38, bold=True, deva=True, fill=ink, align=align)
        pen.text(
            (x, pen.jit(104, 2)),
            english,
            31,
            bold=True,
            fill=ink,
            align=align,
            header=True,
            max_width=room,
        )
    else:
        pen.text(
            (x, pen.jit(84, 3)),
            english,
            40,
            bold=True,
            fill=ink,
            align=align,
            header=True,
            max_width=room,
        )
    return bottom + 12


def _gender_runs(gender: str, *, hindi: bool, rng: random.Random) -> list[tuple[str, bool]]:
    english = "MALE" if gender == "MALE" else "FEMALE"
    if not hindi:
        return [(english if rng.random() < 0.5 else english.title(), False)]
    word = "पुरुष" if gender == "MALE" else "महिला"
    sep = rng.choice(("/ ", " / ", "/"))
    return [(word, True), (sep + (english if rng.random() < 0.75 else english.title()), False)]


def _dob_runs(
    card: CorpusCard, *, hindi: bool, rng: random.Random, sep: str = "/"
) -> list[tuple[str, bool]]:
    printed = card.printed
    if printed.date_of_birth is None:
        label = rng.choice(("Year of Birth : ", "Year of Birth: ", "Year of Birth :"))
        if hindi:
            return [("जन्म वर्ष", True), (" / " + label + str(printed.year_of_birth), False)]
        return [(label + str(printed.year_of_birth), False)]
    date = _dmy(printed.date_of_birth, sep)
    if hindi:
        return [("जन्म तिथि", True), (rng.choice(("/DOB: ", "/ DOB : ", "/DOB : ")) + date, False)]
    label = rng.choice(("DOB: ", "DOB : ", "Date of Birth: ", "Date of Birth : "))
    return [(label + date, False)]


def _issue_date(rng: random.Random) -> datetime.date:
    start = datetime.date(2011, 1, 1).toordinal()
    return datetime.date.fromordinal(rng.randint(start, datetime.date(2024, 12, 31).toordinal()))


def _render_aadhaar_front(card: CorpusCard, rng: random.Random) -> Image.Image:
    layout = card.layout
    bilingual = layout == "aadhaar_bilingual"
    photo_right = layout == "aadhaar_photo_right"
    bg = rng.choice(_AADHAAR_BGS)
    img = Image.new("RGB", (_W, _H), bg)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    d = pen.draw
    _guilloche(d, (0, 130, _W, _H), rng, _shade(bg, -rng.randint(7, 14)))
    if photo_right:
        top_band = rng.choice(_ORANGES)
        d.rectangle((0, _H - 18, _W, _H), fill=rng.choice(_GREENS))
        header_hindi = rng.random() < 0.6
        english = rng.choice(("Government of India", "GOVERNMENT OF INDIA"))
        body_top = _aadhaar_header(pen, hindi=header_hindi, english=english, align="l")
        d.rectangle((0, 0, _W, 5), fill=top_band)
    else:
        english = rng.choice(("Government of India", "GOVERNMENT OF INDIA", "Government of India"))
        body_top = _aadhaar_header(pen, hindi=bilingual, english=english)
    pw = rng.randint(200, 232)
    py = pen.jit(body_top + 24)
    if photo_right:
        px = _W - pen.jit(48) - pw
        x, max_w = pen.jit(50), px - 50 - 40
    else:
        px = pen.jit(46)
        x = px + pw + pen.jit(38)
        max_w = _W - x - 30
    _paste_face(img, card.face, (px, py), pw, rng)
    if (bilingual and rng.random() < 0.5) or layout == "aadhaar_english" and rng.random() < 0.25:
        side = px - 24 if not photo_right else px + pw + 6
        pen.vertical((side, py + 10), f"Issue Date: {_dmy(_issue_date(rng))}", 14)
    y = py + pen.jit(44, 4)
    hindi_lines = bilingual or (photo_right and card.printed.hindi_name is not None)
    if card.printed.hindi_name:
        pen.text(
            (x, y), card.printed.hindi_name, 33, bold=pen.name_bold, deva=True, max_width=max_w
        )
        y += pen.jit(52, 3)
    pen.text((x, y), card.printed.name, 36, bold=pen.name_bold, max_width=max_w)
    y += pen.jit(60, 3)
    sep = "/"
    if photo_right:
        sep = rng.choices(("/", "-", "."), weights=(70, 20, 10))[0]
    pen.runs(
        (x, y),
        _dob_runs(card, hindi=hindi_lines, rng=rng, sep=sep),
        29,
        bold=pen.value_bold,
        max_width=max_w,
    )
    y += pen.jit(52, 3)
    if photo_right and not hindi_lines and rng.random() < 0.5:
        gender = [("Gender: " + card.printed.gender.title(), False)]  # type: ignore[union-attr]
    else:
        gender = _gender_runs(card.printed.gender or "MALE", hindi=hindi_lines, rng=rng)
    pen.runs((x, y), gender, 29, bold=pen.value_bold, max_width=max_w)
    has_vid = bilingual and rng.random() < 0.5
    number_y = pen.jit(500 if not has_vid else 488, 4)
    number = _grouped(card.printed.id_number)
    number_size = rng.uniform(52, 64)
    if photo_right:
        pen.text((pen.jit(50), number_y), number, number_size, bold=True)
    else:
        pen.text((_W // 2 + pen.jit(0, 10), number_y), number, number_size, bold=True, align="m")
    if has_vid:
        pen.text(
            (_W // 2 + pen.jit(0, 6), number_y + 36),
            f"VID : {_grouped(_random_vid(rng))}",
            22,
            align="m",
        )
    red = rng.choice(_REDS)
    line_y = pen.jit(556, 3)
    d.line((40, line_y, _W - 40, line_y), fill=red, width=rng.choice((3, 4, 5)))
    if bilingual or (photo_right and rng.random() < 0.6):
        pen.text(
            (_W // 2, pen.jit(604, 2)),
            "मेरा आधार, मेरी पहचान",
            31,
            bold=True,
            deva=True,
            fill=red,
            align="m",
        )
    else:
        footer = rng.choice(("Aadhaar - Aam Aadmi ka Adhikar", "Mera Aadhaar, Meri Pehchan"))
        pen.text((_W // 2, pen.jit(600, 2)), footer, 29, fill=red, align="m")
    return _finish(img, rng)


_CITIES: Final = (
    ("Bengaluru", "Karnataka", "560"),
    ("Mysuru", "Karnataka", "570"),
    ("Chennai", "Tamil Nadu", "600"),
    ("Coimbatore", "Tamil Nadu", "641"),
    ("Hyderabad", "Telangana", "500"),
    ("Vijayawada", "Andhra Pradesh", "520"),
    ("Kochi", "Kerala", "682"),
    ("Thiruvananthapuram", "Kerala", "695"),
    ("Mumbai", "Maharashtra", "400"),
    ("Pune", "Maharashtra", "411"),
    ("New Delhi", "Delhi", "110"),
    ("Lucknow", "Uttar Pradesh", "226"),
    ("Jaipur", "Rajasthan", "302"),
    ("Kolkata", "West Bengal", "700"),
    ("Ahmedabad", "Gujarat", "380"),
    ("Patna", "Bihar", "800"),
    ("Bhopal", "Madhya Pradesh", "462"),
    ("Ludhiana", "Punjab", "141"),
    ("Panaji", "Goa", "403"),
    ("Chandigarh", "Chandigarh", "160"),
)
_LOCALITIES: Final = (
    "Jayanagar",
    "Indiranagar",
    "Anna Nagar",
    "T. Nagar",
    "Banjara Hills",
    "Kothrud",
    "Andheri East",
    "Salt Lake",
    "Gomti Nagar",
    "Malviya Nagar",
    "Civil Lines",
    "Shivaji Nagar",
    "Model Town",
    "Sector 15",
    "Koramangala",
    "Vaishali Nagar",
)
_STREETS: Final = (
    "MG Road",
    "Station Road",
    "Nehru Street",
    "Gandhi Road",
    "Main Road",
    "Temple Street",
    "Church Road",
    "Park Avenue",
    "Lake View Road",
)


def _address_lines(rng: random.Random) -> list[str]:
    n = rng.randint(1, 120)
    house = rng.choice(
        (
            f"No. {n}",
            f"H.No. {rng.randint(1, 9)}-{rng.randint(1, 9)}-{n}",
            f"Flat {rng.randint(1, 12)}0{rng.randint(1, 4)}, Sai Residency",
            f"#{n}",
            f"Plot No. {n}",
            f"D-{n}",
        )
    )
    cross = rng.choice((f"{rng.randint(1, 9)}th Cross", rng.choice(_STREETS)))
    city, state, prefix = rng.choice(_CITIES)
    pin = f"{prefix}{rng.randint(1, 99):03d}"
    return [f"{house}, {cross},", f"{rng.choice(_LOCALITIES)}, {city},", f"{state} - {pin}"]


def _render_eaadhaar_letter(card: CorpusCard, rng: random.Random) -> Image.Image:
    width, height = _W, rng.randint(1440, 1480)
    bg = rng.choice(((255, 255, 255), (252, 252, 250), (250, 250, 247)))
    img = Image.new("RGB", (width, height), bg)
    pen = _Pen(img, rng, ink=rng.choice(_INKS))
    d = pen.draw
    p = card.printed
    # letterhead
    _emblem(pen, pen.jit(70), pen.jit(62, 3), 76, (60, 60, 60))
    _aadhaar_logo(d, pen.jit(width - 80), pen.jit(74, 3), 44)
    pen.text(
        (width // 2, pen.jit(50, 2)),
        "भारतीय विशिष्ट पहचान प्राधिकरण",
        28,
        bold=True,
        deva=True,
        align="m",
    )
    pen.text(
        (width // 2, pen.jit(88, 2)),
        "Unique Identification Authority of India",
        27,
        bold=True,
        align="m",
        header=True,
    )
    pen.text((width // 2, pen.jit(118, 2)), "Government of India", 22, align="m", header=True)
    d.line((30, 138, width - 30, 138), fill=(120, 120, 120), width=2)
    enrol = f"{rng.randint(1000, 9999)}/{rng.randint(10000, 99999)}/{rng.randint(10000, 99999)}"
    x = pen.jit(60)
    pen.text((x, pen.jit(180, 2)), f"Enrolment No.: {enrol}", 24)
    issued = _issue_date(rng)
    pen.text((width - 60, pen.jit(180, 2)), f"Aadhaar no. issued: {_dmy(issued)}", 20, align="r")
    y = pen.jit(236, 3)
    pen.text((x, y), "To", 24)
    y += 40
    if p.hindi_name:
        pen.text((x, y), p.hindi_name, 25, deva=True, max_width=560)
        y += 38
    pen.text((x, y), p.name, 26, bold=pen.name_bold, max_width=560)
    y += 38
    relation = "S/O" if p.gender == "MALE" else "D/O"
    if rng.random() < 0.25:
        relation = "C/O"
    pen.text((x, y), f"{relation}: {p.father_name}", 24, max_width=560)
    y += 36
    for line in _address_lines(rng):
        pen.text((x, y), line, 24, max_width=560)
        y += 36
    pen.text((x, y), f"Mobile: XXXXXX{rng.randint(1000, 9999)}", 22)
    _qr(d, pen.jit(width - 250), pen.jit(230), rng.randint(170, 190), rng)
    # "Your Aadhaar No." box
    box_top = pen.jit(560, 4)
    box = (60, box_top, width - 60, box_top + 250)
    d.rectangle(box, outline=(90, 90, 90), width=2)
    pen.runs(
        (width // 2, box_top + 44),
        [("आपका आधार क्रमांक", True), (" / Your Aadhaar No. :", False)],
        24,
        bold=True,
        align="m",
    )
    pen.text(
        (width // 2 + pen.jit(0, 6), box_top + 118),
        _grouped(p.id_number),
        rng.uniform(50, 58),
        bold=True,
        align="m",
    )
    pen.text((width // 2, box_top + 168), f"VID : {_grouped(_random_vid(rng))}", 24, align="m")
    red = rng.choice(_REDS)
    pen.text(
        (width // 2, box_top + 224),
        "मेरा आधार, मेरी पहचान",
        28,
        bold=True,
        deva=True,
        fill=red,
        align="m",
    )
    # cut line and the card part
    cut = box_top + 290
    for cx in range(30, width - 30, 22):
        d.line((cx, cut, cx + 11, cut), fill=(150, 150, 150), width=2)
    top = cut + 24
    orange, green = rng.choice(_ORANGES), rng.choice(_GREENS)
    d.rectangle((60, top, width - 60, top + 12), fill=orange)
    pen.text((width // 2, top + 50), "भारत सरकार", 28, bold=True, deva=True, align="m")
    pen.text((width // 2, top + 84), "Government of India", 25, bold=True, align="m", header=True)
    d.rectangle((60, top + 96, width - 60, top + 103), fill=green)
    pw = rng.randint(190, 215)
    px, py = pen.jit(80), top + pen.jit(126, 4)
    _paste_face(img, card.face, (px, py), pw, rng)
    download = datetime.date.fromordinal(
        rng.randint(issued.toordinal(), datetime.date(2025, 6, 30).toordinal())
    )
    pen.vertical((px - 22, py + 6), f"Download Date: {_dmy(download)}", 13)
    tx = px + pw + pen.jit(36)
    ty = py + pen.jit(40, 3)
    max_w = width - tx - 70
    if p.hindi_name:
        pen.text((tx, ty), p.hindi_name, 28, deva=True, bold=pen.name_bold, max_width=max_w)
        ty += 44
    pen.text((tx, ty), p.name, 30, bold=pen.name_bold, max_width=max_w)
    ty += 50
    pen.runs((tx, ty), _dob_runs(card, hindi=True, rng=rng), 26, max_width=max_w)
    ty += 44
    pen.runs((tx, ty), _gender_runs(p.gender or "MALE", hindi=True, rng=rng), 26, max_width=max_w)
    number_y = py + round(pw * _PHOTO_ASPECT) + pen.jit(62, 3)
    pen.text(
        (width // 2, number_y), _grouped(p.id_number), rng.uniform(44, 52), bold=True, align="m"
    )
    pen.text((width // 2, number_y + 36), f"VID : {_grouped(_random_vid(rng))}", 20, align="m")
    d.line((60, number_y + 56, width - 60, number_y + 56), fill=red, width=3)
    pen.text(
        (width // 2, number_y + 92),
        "मेरा आधार, मेरी पहचान",
        26,
        bold=True,
        deva=True,
        fill=red,
        align="m",
    )
    return _finish(img, rng)
