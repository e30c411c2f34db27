"""Demo loan applications for ``manage.py generate_sample_data``: the applicants drawn at random
and the audit events the pipeline would have written for them.

Each applicant's figures are drawn with ``random.Random`` (demo data, not a decision); the stage
statuses and remarks follow from the real rules of :mod:`loans.rules`, with the products'
thresholds and the FATF list in effect today. :func:`sample_events` gives each application the
events of its life: SUBMITTED, PROCESSING_STARTED and AUTO_DECIDED, every move checked against
``LoanApplication``'s transition maps (:func:`smartbank.transitions.check_move`), the bulk
equivalent of :func:`smartbank.transitions.transition` for rows inserted with ``bulk_create``.
"""

import datetime
import itertools
import math
import random
import string
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import phonenumbers
from django.conf import settings
from django.utils import timezone

from loans import rules
from loans.countries import REGIONS, country_name, country_region
from loans.events import loan_application_event_build
from loans.models import LoanApplication, LoanApplicationEvent, LoanProduct, LoanType, StageStatus
from loans.selectors import fatf_category_for, fatf_list_current
from smartbank.transitions import check_move

#: Where applicants come from: seed 001's regions serve as markets to draw from (a market, then
#: one of its countries, by weight); the region stored is the country's
#: (:func:`loans.countries.country_region`, issue 12), so e.g. India drawn from APAC or ASIA is
#: APAC either way.
MARKET_COUNTRIES: dict[str, list[tuple[str, int]]] = {
    market: [(item.split(":")[0], int(item.split(":")[1])) for item in spec.split()]
    for market, spec in {
        "APAC": "IN:40 AU:8 SG:6 JP:6 ID:5 PH:4 NZ:3 VN:2 NP:2",
        "ASIA": "IN:30 CN:6 MY:5 TH:5 BD:5 LK:4 KR:4 MM:1 LA:1",
        "EMEA": "GB:12 AE:8 ZA:6 DE:5 NG:4 KE:3",
        "EU": "DE:10 FR:8 IT:5 ES:5 NL:5 IE:4 PL:4 BG:2 MC:1",
        "MEA": "AE:10 SA:8 QA:4 EG:4 KW:2 LB:1 IR:1",
        "NA": "US:20 CA:8 MX:4 HT:1",
        "SA": "BR:10 AR:5 CL:4 CO:4 PE:3 BO:1 VE:1",
        "AMERICAS": "US:15 CA:5 BR:5 MX:4 AR:2 CL:2",
    }.items()
}
#: The countries of each stored region (APAC, EMEA, AMERICAS) with their summed market weights.
REGION_COUNTRIES: dict[str, list[tuple[str, int]]] = {}
for _market, _countries in MARKET_COUNTRIES.items():
    for _code, _weight in _countries:
        _listed = REGION_COUNTRIES.setdefault(country_region(_code), [])
        _listed.append((_code, _weight))
MARKET_WEIGHTS = {
    "APAC": 30, "ASIA": 18, "EMEA": 12, "EU": 10, "MEA": 8, "NA": 9, "SA": 5, "AMERICAS": 8,
}  # fmt: skip
FIRST_NAMES = {
    "south_asia": "Aarav Priya Rohan Ananya Vikram Meera Arjun Kavya Rahul Sneha Aditya Isha "
    "Karan Divya Sanjay Lakshmi".split(),
    "east_asia": "Wei Yuki Min-jun Hana Kenji Mei Hiroshi Siti Budi Linh Arif Mai Jia Somchai "
    "Ayesha Tariq".split(),
    "europe": "Oliver Emma Lukas Sophie Mateo Chiara Liam Julia Noah Elena Jakub Chloe Finn "
    "Clara Hugo Marta".split(),
    "middle_east": "Omar Fatima Ahmed Layla Yusuf Noor Khalid Mariam Hassan Amina Ali Zainab "
    "Chinedu Thandiwe Kwame Zara".split(),
    "americas": "James Olivia Lucas Sofia Ethan Isabella Gabriel Camila Mason Valentina Daniel "
    "Ava Diego Mia Benjamin Lucia".split(),
}
LAST_NAMES = {
    "south_asia": "Sharma Patel Iyer Reddy Nair Gupta Singh Das Rao Mehta Khan Banerjee Joshi "
    "Menon Kulkarni Fernando".split(),
    "east_asia": "Wang Tanaka Kim Chen Sato Lim Tan Suzuki Park Santoso Tran Wong Lee Rahman "
    "Chua Yamamoto".split(),
    "europe": "Smith Müller Rossi García Dubois Jansen Kowalski Murphy Schmidt Bernard Novak "
    "Costa Brown Fischer Moreau Ivanova".split(),
    "middle_east": "Al-Farsi Haddad Mansour Okafor Nkosi Mensah Hussein Saleh Abdullah Karimi "
    "Nasser Adeyemi Farouk Said Obi Aziz".split(),
    "americas": "Johnson Silva Martínez Williams Santos Rodríguez Miller Oliveira Davis "
    "González Wilson Pérez Taylor López Anderson Souza".split(),
}
NAME_GROUP = {
    "APAC": "south_asia", "ASIA": "east_asia", "EMEA": "middle_east", "EU": "europe",
    "MEA": "middle_east", "NA": "americas", "SA": "americas", "AMERICAS": "americas",
}  # fmt: skip
PURPOSES = {
    LoanType.PERSONAL: [
        "Medical expenses", "Wedding", "Debt consolidation", "Travel", "Home renovation",
        "Education",
    ],
    LoanType.HOME: ["Home Purchase", "Home construction", "Home renovation", "Plot purchase"],
    LoanType.VEHICLE: ["New car", "Used car", "Two-wheeler"],
    LoanType.EDUCATION: ["Tuition fees", "Study abroad"],
    LoanType.BUSINESS: ["Working capital", "Equipment", "Shop expansion"],
}  # fmt: skip
DOCUMENTS = ["ID_Proof", "Income_Statement", "Address_Proof"]
EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example"]
_ID_ALPHABET = string.ascii_uppercase + string.digits
PAISA = Decimal("0.01")
STAGE_LABELS = {"kyc": "KYC", "compliance": "Compliance", "eligibility": "Eligibility"}


class SampleGenerator:
    """Draws applications; ``make(n)`` returns one unsaved :class:`LoanApplication`."""

    def __init__(self, *, days: int, products: list[LoanProduct]) -> None:
        self.rng = random.Random()  # noqa: S311 - demo data; each batch sets its own
        self.days = days
        self.products = products
        self.products_by_pk = {product.pk: product for product in products}
        self._kyc_results: dict[tuple, rules.StageResult] = {}
        self._compliance_results: dict[tuple, rules.StageResult] = {}
        self.zone = timezone.get_current_timezone()
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.threshold = float(settings.SCREENING_THRESHOLD)
        self.fatf_list = fatf_list_current()
        codes = {code for countries in MARKET_COUNTRIES.values() for code, _ in countries}
        self.fatf = {
            code: fatf_category_for(country_code=code, fatf_list=self.fatf_list) for code in codes
        }
        self.names = {code: country_name(code) for code in codes}
        self.phone_examples = {}
        for code in codes:
            example = phonenumbers.example_number_for_type(
                code, phonenumbers.PhoneNumberType.MOBILE
            )
            self.phone_examples[code] = (example.country_code, str(example.national_number))
        self.markets = list(MARKET_WEIGHTS)
        self.market_cum_weights = list(itertools.accumulate(MARKET_WEIGHTS.values()))
        self.countries = {
            market: ([c for c, _ in countries], list(itertools.accumulate(w for _, w in countries)))
            for market, countries in MARKET_COUNTRIES.items()
        }
        self.regions = {code: country_region(code) for code in codes}
        self.product_rules = {
            product.pk: rules.EligibilityRules(
                max_dti=product.max_dti,
                min_credit_score=product.min_credit_score,
                max_income_multiple=product.max_income_multiple,
                max_loan_amount=product.max_loan_amount,
                min_income=product.min_income,
            )
            for product in products
        }

    def _created_at(self) -> datetime.datetime:
        """A moment in the last ``days`` days, 08:00-22:00 local time, more of them in recent
        weeks (density rising linearly towards today), never after now."""
        while True:
            days_ago = min(int(self.days * (1 - math.sqrt(self.rng.random()))), self.days - 1)
            day = self.today - datetime.timedelta(days=days_ago)
            seconds = self.rng.randint(8 * 3600, 22 * 3600 - 1)
            moment = datetime.datetime.combine(day, datetime.time.min, tzinfo=self.zone)
            moment += datetime.timedelta(seconds=seconds)
            if moment <= self.now:
                return moment

    def _phone(self, code: str) -> str:
        calling_code, national = self.phone_examples[code]
        # 2 drawn digits: 100 numbers per country, so the phone check's answers repeat
        tail = "".join(self.rng.choices(string.digits, k=min(2, len(national) - 2)))
        number = f"+{calling_code}{national[: -len(tail)]}{tail}"
        if self.rng.random() < 0.01:  # a mistyped number
            number = number[:-3]
        return number

    def _money(self, value: float, step: int) -> Decimal:
        """INR rounded to ``step`` rupees, at least ``step``, with 2 places as stored."""
        return Decimal(max(int(round(value / step)) * step, step)).quantize(PAISA)

    def make(self, n: int) -> LoanApplication:
        """The ``n``-th application as an unsaved :class:`LoanApplication`."""
        row = self.make_row(n)
        row["product"] = self.products_by_pk[row.pop("product_id")]
        return LoanApplication(**row)

    def _kyc(self, *, key: tuple, **fields: Any) -> rules.StageResult:
        """:func:`loans.rules.kyc_integrator`, its answers kept per ``key``: what its checks
        depend on (seed 001: the name's length, the email's format, here its domain and
        whether the "@" was dropped, the phone, the documents, the region and country)."""
        result = self._kyc_results.get(key)
        if result is None:
            result = self._kyc_results[key] = rules.kyc_integrator(**fields)
        return result

    def make_row(self, n: int) -> dict[str, Any]:
        """The ``n``-th application as ``{field attname: value}`` (``product_id``, not
        ``product``), ready for :class:`LoanApplication` or a COPY row."""
        rng = self.rng
        market = rng.choices(self.markets, cum_weights=self.market_cum_weights)[0]
        codes, cum_weights = self.countries[market]
        code = rng.choices(codes, cum_weights=cum_weights)[0]
        region = self.regions[code]
        group = NAME_GROUP[market]
        first, last = rng.choice(FIRST_NAMES[group]), rng.choice(LAST_NAMES[group])
        name = f"{first} {last}"
        domain = rng.choice(EMAIL_DOMAINS)
        email_user = f"{first}.{last}.{n}".lower().replace(" ", "").replace("'", "")
        email = f"{email_user.encode('ascii', 'ignore').decode()}@{domain}"
        mistyped_email = rng.random() < 0.005
        if mistyped_email:
            email = email.replace("@", "")
        phone = self._phone(code)
        documents_uploaded = rng.random() > 0.03
        documents = list(DOCUMENTS) if documents_uploaded else []

        product = rng.choice(self.products)
        # Annual income around INR 6 lakh; debt repayments mostly a quarter of it; loans around
        # 0.45 x income (2.7 lakh), a few above the high-value amount or the product maximum.
        income = self._money(min(rng.lognormvariate(math.log(600_000), 0.5), 12_000_000), 1000)
        if rng.random() < 0.01:  # a student or part-timer below the minimum income
            income = self._money(rng.uniform(12_000, 30_000), 1000)
        dti_target = rng.betavariate(2.2, 6.5)
        debt = self._money(float(income) * dti_target, 100) if dti_target > 0.01 else PAISA * 0
        credit_score = max(300, min(900, int(rng.gauss(718, 58))))
        multiple = rng.lognormvariate(math.log(0.45), 0.5)
        loan_amount = self._money(min(float(income) * multiple, 1_500_000), 5000)
        tenure_max = product.max_tenure_months
        tenure_months = rng.choice(range(12, tenure_max + 1, 12)) if tenure_max >= 12 else 1
        purposes = PURPOSES.get(product.loan_type, ["General purpose"])
        loan_purpose = rng.choice(purposes)

        # Drawn watchlist matches: what screening would have found for this applicant.
        draw = rng.random()
        sanctions_hits = [self._hit("sanctions", name)] if draw < 0.002 else []
        pep_hits = [self._hit("pep", name)] if 0.002 <= draw < 0.012 else []
        relative_hits = [self._hit("relative", name)] if 0.012 <= draw < 0.015 else []

        kyc = self._kyc(
            key=(
                len(name.strip()) >= 3,
                domain,
                mistyped_email,
                phone,
                documents_uploaded,
                region,
                code,
            ),
            name=name,
            email=email,
            phone=phone,
            region=region,
            regions=REGIONS,
            country_code=code,
            documents_uploaded=documents_uploaded,
            documents=documents,
        )
        compliance_key = (code, loan_amount <= product.high_value_amount, product.pk)
        compliance = None if draw < 0.015 else self._compliance_results.get(compliance_key)
        compliance = compliance or rules.compliance(
            sanctions_hits=sanctions_hits,
            pep_hits=pep_hits,
            relative_hits=relative_hits,
            fatf_category=self.fatf[code],
            country_name=self.names[code],
            loan_amount=loan_amount,
            high_value_amount=product.high_value_amount,
        )
        if draw >= 0.015:  # without hits the result depends on the key only
            self._compliance_results[compliance_key] = compliance
        eligibility = rules.eligibility(
            income=income,
            debt=debt,
            credit_score=credit_score,
            loan_amount=loan_amount,
            rules=self.product_rules[product.pk],
        )
        stages = {"kyc": kyc, "compliance": compliance, "eligibility": eligibility}
        final = rules.final_status(kyc.status, compliance.status, eligibility.status)
        status = {
            rules.APPROVED: LoanApplication.Status.APPROVED,
            rules.REJECTED: LoanApplication.Status.REJECTED,
        }.get(final, LoanApplication.Status.REVIEW)

        created_at = self._created_at()
        checked_at = created_at + datetime.timedelta(seconds=rng.randint(2, 90))
        local_day = timezone.localtime(created_at, self.zone).date()
        suffix = "".join(rng.choices(_ID_ALPHABET, k=8))
        return dict(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            application_id=f"LOAN-{local_day:%Y%m%d}-{suffix}",
            product_id=product.pk,
            status=status,
            name=name,
            email=email,
            phone=phone,
            region=region,
            country=self.names[code],
            country_code=code,
            income=income,
            debt=debt,
            credit_score=credit_score,
            loan_amount=loan_amount,
            loan_purpose=loan_purpose,
            tenure_months=tenure_months,
            documents_uploaded=documents_uploaded,
            documents=documents,
            dti_ratio=eligibility.data["dti_ratio"],
            kyc_status=kyc.status,
            kyc_verified_at=checked_at,
            kyc_remarks=kyc.remarks,
            kyc_staff_remarks=kyc.staff_remarks,
            compliance_status=compliance.status,
            compliance_verified_at=checked_at,
            compliance_remarks=compliance.remarks,
            political_connection=compliance.data["political_connection"],
            senior_relative=compliance.data["senior_relative"],
            compliance_evidence={
                "sample_data": True,
                "threshold": self.threshold,
                "lists": [],
                "fatf_list": self.fatf_list.version if self.fatf_list else None,
                "fatf_category": self.fatf[code],
                "high_value_amount": str(product.high_value_amount),
                "hits": {
                    "sanctions": sanctions_hits,
                    "pep": pep_hits,
                    "senior_relatives": relative_hits,
                },
            },
            eligibility_status=eligibility.status,
            eligibility_verified_at=checked_at,
            eligibility_remarks=eligibility.remarks,
            final_status=final,
            final_decision_at=checked_at if final != rules.PENDING else None,
            final_remarks=_final_remarks(final, stages),
            alert_sent=True,
            email_sent=all(c.outcome == rules.PASS for c in kyc.checks if c.code == "EMAIL"),
            created_at=created_at,
            updated_at=checked_at,
        )

    def _hit(self, kind: str, name: str) -> dict[str, Any]:
        score = round(self.rng.uniform(self.threshold, 100.0), 1)
        return {"key": f"sample-{kind}", "name": name, "score": score, "sample_data": True}


def _final_remarks(final: str, stages: dict[str, rules.StageResult]) -> str:
    """The decision's remarks in the words the pipeline uses."""
    if final == rules.APPROVED:
        return "All verification stages approved"
    wanted = rules.REJECTED if final == rules.REJECTED else rules.PENDING
    parts = [
        f"{STAGE_LABELS[stage]}: {result.remarks}"
        for stage, result in stages.items()
        if result.status == wanted
    ]
    prefix = "Rejected" if final == rules.REJECTED else "Referred for staff review"
    return f"{prefix}. " + " | ".join(parts)


#: Outcomes (status, final, KYC, compliance, eligibility) whose moves from SUBMITTED / PENDING
#: were checked against the maps: the same few recur in every batch.
_CHECKED_OUTCOMES: set[tuple[str, ...]] = set()


def sample_event_rows(
    values: Mapping[str, Any], *, product_code: str
) -> list[tuple[str, datetime.datetime, dict[str, Any]]]:
    """``[(type, created_at, data)]`` of the events the pipeline writes for the application
    whose fields are ``values`` (``status``, the stage and final statuses, ``created_at``,
    ``updated_at``, ``loan_amount``, ``tenure_months``, ``final_remarks``): SUBMITTED at
    ``created_at``, PROCESSING_STARTED a second later and AUTO_DECIDED at ``updated_at``
    (when the checks ran), each ``data`` with ``"sample_data": true``.

    Raises :class:`~smartbank.errors.InvalidTransition` when a move is not in the maps.
    """
    status = LoanApplication.Status
    outcome = tuple(
        str(values[field])
        for field in ("status", "final_status", "kyc_status", "compliance_status",
                      "eligibility_status")
    )  # fmt: skip
    if outcome not in _CHECKED_OUTCOMES:
        for field, old, new in (
            ("status", status.SUBMITTED, status.PROCESSING),
            ("status", status.PROCESSING, values["status"]),
            ("final_status", StageStatus.PENDING, values["final_status"]),
            *(
                (f"{stage}_status", StageStatus.PENDING, values[f"{stage}_status"])
                for stage in STAGE_LABELS
            ),
        ):
            check_move(LoanApplication, field=field, old=old, new=new)
        _CHECKED_OUTCOMES.add(outcome)
    event = LoanApplicationEvent.Type
    return [
        (
            event.SUBMITTED,
            values["created_at"],
            {
                "status": status.SUBMITTED,
                "product": product_code,
                "loan_amount": str(values["loan_amount"]),
                "tenure_months": values["tenure_months"],
                "registered_customer": False,
                "sample_data": True,
            },
        ),
        (
            event.PROCESSING_STARTED,
            values["created_at"] + datetime.timedelta(seconds=1),
            {"from": status.SUBMITTED, "to": status.PROCESSING, "sample_data": True},
        ),
        (
            event.AUTO_DECIDED,
            values["updated_at"],
            {
                "from": status.PROCESSING,
                "to": values["status"],
                "final_status": values["final_status"],
                "remarks": values["final_remarks"],
                "sample_data": True,
            },
        ),
    ]


def sample_events(application: LoanApplication) -> list[LoanApplicationEvent]:
    """The unsaved events of :func:`sample_event_rows` for ``application`` (drawn by
    :class:`SampleGenerator`, already decided)."""
    return [
        loan_application_event_build(
            application=application, type=type_, created_at=created_at, data=data
        )
        for type_, created_at, data in sample_event_rows(
            application.__dict__, product_code=application.product.code
        )
    ]
