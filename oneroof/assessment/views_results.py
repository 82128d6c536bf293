"""The NORR result (data class D5): what a user may see of one administration's outcome, the
clinician's ratings, the decisions on the proposed help, and the printable summary.

Reads go through ``queries`` (which ask ``families.access``), writes through ``services``;
every read and every print is audit-logged. Who sees what:

* results (scores, bands, red-flag items, ratings, the chart, earlier administrations):
  everyone ``sees_results_of`` the person, the coordinator included;
* the answers themselves, and the answer that raised a red flag: ``sees_answers_of`` only;
* the partner comparison: only when the user also sees the partner's results;
* recommendations: those who see the answers (``queries.recommendations_of``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from oneroof.accounts.models import User
from oneroof.audit import services as audit
from oneroof.core.pdf import html_to_pdf, safe_filename
from oneroof.core.types import AuthenticatedRequest
from oneroof.families.access import CASE_ROLES, FamilyAccess
from oneroof.families.models import Person, Relationship
from oneroof.organisation.permissions import require_role

from . import charts, queries, scoring, services
from .models import Administration, AssessmentResult, ClinicianRating, Recommendation

BAND_LABELS = {
    "low": gettext_lazy("low"),
    "moderate": gettext_lazy("moderate"),
    "elevated": gettext_lazy("elevated"),
    "high": gettext_lazy("high"),
    scoring.CRITICAL: gettext_lazy("critical"),
}
BAND_BADGES = {
    "low": "text-bg-success",
    "moderate": "text-bg-info",
    "elevated": "text-bg-warning",
    "high": "text-bg-danger",
    scoring.CRITICAL: "text-bg-danger",
}


def localised(texts: Mapping[str, str]) -> str:
    """A text of the instrument definition in the current language (Polish as fallback)."""
    return texts.get((get_language() or "pl")[:2]) or texts["pl"]


def band_label(band: str | None) -> str:
    return str(BAND_LABELS[band]) if band in BAND_LABELS else _("incomplete")


# --- what the page shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class DomainRow:
    code: str
    name: str
    score: int | None
    band: str | None  # None: incomplete
    answered: int
    total: int
    raised_by_clinician: bool
    previous_score: int | None = None

    @property
    def band_label(self) -> str:
        return band_label(self.band)

    @property
    def badge(self) -> str:
        return BAND_BADGES.get(self.band or "", "text-bg-secondary")


@dataclass(frozen=True)
class ItemRow:
    """An item with the answer given, ``answer`` None when the reader may not see it."""

    code: str
    text: str
    answer: str | None = None
    source: str = ""


@dataclass(frozen=True)
class AnswerGroup:
    name: str
    items: list[ItemRow]


@dataclass(frozen=True)
class RatingRow:
    name: str
    value: int
    label: str
    rated_by: str
    rated_at: datetime


@dataclass(frozen=True)
class GapRow:
    name: str
    first: int | None
    second: int | None
    gap: int | None
    asymmetry: bool


@dataclass(frozen=True)
class Comparison:
    partner: Person
    completed_at: datetime | None
    rows: list[GapRow]

    @property
    def asymmetry(self) -> bool:
        return any(row.asymmetry for row in self.rows)


@dataclass(frozen=True)
class HistoryRow:
    administration: Administration
    overall: str
    badge: str
    scores: list[int | None]
    is_current: bool


@dataclass(frozen=True)
class RecommendationRow:
    recommendation: Recommendation
    can_decide: bool


@dataclass
class ResultView:
    administration: Administration
    title: str
    sees_answers: bool
    result: AssessmentResult | None = None
    overall: str = ""
    overall_badge: str = "text-bg-secondary"
    is_critical: bool = False
    overall_raised: bool = False
    domains: list[DomainRow] = field(default_factory=list)
    protective: list[DomainRow] = field(default_factory=list)
    red_flags: list[ItemRow] = field(default_factory=list)
    unresolved: list[ItemRow] = field(default_factory=list)
    ratings: list[RatingRow] = field(default_factory=list)
    answers: list[AnswerGroup] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)
    previous: Administration | None = None
    chart: SafeString | None = None
    recommendations: list[RecommendationRow] = field(default_factory=list)
    can_rate: bool = False
    rating_domains: list[tuple[str, str]] = field(default_factory=list)
    rating_values: list[tuple[int, str]] = field(default_factory=list)

    @property
    def case(self) -> Any:
        return self.administration.case

    @property
    def person(self) -> Person:
        return self.administration.person

    @property
    def history_domains(self) -> list[DomainRow]:
        return self.domains


class _Definition:
    """Look-ups into one instrument version's definition, in the current language."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.definition = definition
        self.items = {item["id"]: item for item in definition["items"]}
        self.domain_names = {d["code"]: localised(d["name"]) for d in definition["domains"]}

    def item_text(self, item_id: str) -> str:
        item = self.items.get(item_id)
        return localised(item["text"]) if item else item_id

    def answer_label(self, item_id: str, value: scoring.Answer) -> str:
        item = self.items.get(item_id)
        if item is None:
            return str(value)
        scale = self.definition["scales"][item["scale"]]
        labels = scale["labels"].get((get_language() or "pl")[:2]) or scale["labels"]["pl"]
        for known, label in zip(scale["values"], labels, strict=False):
            if str(known) == str(value):
                return str(label)
        return str(value)

    def scale_choices(self, scale: str) -> list[tuple[int, str]]:
        values = self.definition["scales"][scale]
        labels = values["labels"].get((get_language() or "pl")[:2]) or values["labels"]["pl"]
        return list(zip(values["values"], labels, strict=False))


def _domain_rows(
    scores: Iterable[scoring.DomainScore],
    names: Mapping[str, str],
    previous: scoring.Outcome | None,
) -> list[DomainRow]:
    rows = []
    for domain in scores:
        before = previous.domain(domain.code) if previous else None
        rows.append(
            DomainRow(
                code=domain.code,
                name=names.get(domain.code, domain.code),
                score=domain.score,
                band=domain.band,
                answered=domain.answered,
                total=domain.total,
                raised_by_clinician=domain.raised_by_clinician,
                previous_score=before.score if before else None,
            )
        )
    return rows


def _comparisons(
    administration: Administration,
    outcome: scoring.Outcome,
    access: FamilyAccess,
    lookup: _Definition,
) -> list[Comparison]:
    """The gap per domain to each partner's latest completed result in the same case and
    instrument version, for the partners whose results the user may see."""
    case = administration.case
    relations = Relationship.objects.filter(family_id=case.family_id).values_list(
        "from_person_id", "to_person_id", "kind"
    )
    partner_ids = {
        pk
        for pk in services.comparison_partner_ids(relations, administration.person_id)
        if access.sees_results_of(pk)
    }
    if not partner_ids:
        return []
    latest: dict[int, AssessmentResult] = {}
    for result in (
        AssessmentResult.objects.filter(
            administration__case_id=case.pk,
            administration__person_id__in=partner_ids,
            administration__version_id=administration.version_id,
            administration__status=Administration.Status.COMPLETED,
        )
        .select_related("administration__person")
        .order_by("-administration__completed_at", "-pk")
    ):
        latest.setdefault(result.administration.person_id, result)
    comparisons = []
    for result in sorted(latest.values(), key=lambda r: r.administration.person_id):
        gaps = scoring.discrepancy(lookup.definition, outcome, result.parsed)
        rows = [
            GapRow(
                lookup.domain_names.get(g.domain, g.domain), g.first, g.second, g.gap, g.asymmetry
            )
            for g in gaps
        ]
        comparisons.append(
            Comparison(result.administration.person, result.administration.completed_at, rows)
        )
    return comparisons


def _answer_groups(administration: Administration, lookup: _Definition) -> list[AnswerGroup]:
    given = {answer.item: answer for answer in administration.answers.all()}
    groups: dict[str, list[ItemRow]] = defaultdict(list)
    for item in scoring.items_for_form(lookup.definition, administration.form):
        answer = given.get(item["id"])
        groups[item["domain"]].append(
            ItemRow(
                code=item["id"],
                text=localised(item["text"]),
                answer=lookup.answer_label(item["id"], answer.parsed) if answer else None,
                source=answer.get_source_display() if answer else "",
            )
        )
    return [
        AnswerGroup(lookup.domain_names[code], groups[code])
        for code in lookup.domain_names
        if code in groups
    ]


def _chart(view: ResultView, previous: scoring.Outcome | None) -> SafeString:
    date = view.previous.completed_at if view.previous else None
    labels = charts.ProfileLabels(
        title=_("Risk-domain profile"),
        description=_(
            "Bars of the risk-domain scores from 0 to 100 over the bands low (under 25), "
            "moderate, elevated and high (75 and over); the domain table gives the same figures."
        ),
        current=_("this administration"),
        previous=(
            _("previous (%(date)s)")
            % {"date": date_format(timezone.localtime(date), "SHORT_DATE_FORMAT")}
            if date
            else _("previous")
        ),
        incomplete=_("incomplete"),
        bands=[str(BAND_LABELS[band]) for band in scoring.BANDS],
        axis=_("score (0–100)"),
    )
    bars = [charts.ProfileBar(row.name, row.score, row.previous_score) for row in view.domains]
    return charts.domain_profile_svg(
        bars,
        labels,
        chart_id=f"profile-{view.administration.pk}",
        with_previous=previous is not None,
    )


def build_result_view(
    user: User, administration: Administration, access: FamilyAccess, *, printable: bool = False
) -> ResultView:
    """Everything the result page (or, ``printable``, the PDF summary) may show this user,
    in a fixed number of queries however many administrations the person has."""
    definition = administration.version.definition
    lookup = _Definition(definition)
    sees_answers = access.sees_answers_of(administration.person_id)
    view = ResultView(
        administration=administration,
        title=localised(definition["title"]),
        sees_answers=sees_answers,
    )
    history = list(
        AssessmentResult.objects.filter(
            administration__case_id=administration.case_id,
            administration__person_id=administration.person_id,
            administration__status=Administration.Status.COMPLETED,
        )
        .select_related("administration")
        .order_by("administration__completed_at", "pk")
    )
    current = next((r for r in history if r.administration_id == administration.pk), None)
    if current is None:
        return view  # not completed: there is no result yet
    index = history.index(current)
    earlier = history[index - 1] if index > 0 else None
    outcome = current.parsed
    previous = earlier.parsed if earlier else None
    view.result = current
    view.previous = earlier.administration if earlier else None
    view.is_critical = outcome.is_critical
    view.overall = band_label(outcome.overall_band)
    view.overall_badge = BAND_BADGES.get(outcome.overall_band or "", "text-bg-secondary")
    view.overall_raised = outcome.overall_raised
    view.domains = _domain_rows(outcome.domains, lookup.domain_names, previous)
    view.protective = _domain_rows(outcome.protective, lookup.domain_names, previous)
    view.red_flags = [
        ItemRow(
            flag.item,
            lookup.item_text(flag.item),
            lookup.answer_label(flag.item, flag.answer) if sees_answers else None,
        )
        for flag in outcome.red_flags
    ]
    view.unresolved = [ItemRow(item, lookup.item_text(item)) for item in outcome.unresolved]
    clin = lookup.scale_choices("clin") if "clin" in definition["scales"] else []
    clin_labels = dict(clin)
    view.ratings = [
        RatingRow(
            lookup.domain_names.get(rating.domain, rating.domain),
            rating.value,
            clin_labels.get(rating.value, str(rating.value)),
            str(rating.rated_by),
            rating.rated_at,
        )
        for rating in ClinicianRating.objects.filter(administration=administration)
        .select_related("rated_by")
        .order_by("domain")
    ]
    view.chart = _chart(view, previous)
    case = administration.case
    recommendations = [
        r
        for r in queries.recommendations_of(case, access)
        if r.administration_id == administration.pk
    ]
    for recommendation in recommendations:
        recommendation.case = case  # already loaded: no query per line
    if printable:
        view.recommendations = [RecommendationRow(r, False) for r in recommendations]
        return view
    view.recommendations = [
        RecommendationRow(r, services.can_decide_recommendation(user, r)) for r in recommendations
    ]
    view.history = [
        HistoryRow(
            administration=result.administration,
            overall=band_label(result.overall_band or None),
            badge=BAND_BADGES.get(result.overall_band, "text-bg-secondary"),
            scores=[_score_of(result.parsed, row.code) for row in view.domains],
            is_current=result is current,
        )
        for result in history
    ]
    if sees_answers:
        view.answers = _answer_groups(administration, lookup)
    view.comparisons = _comparisons(administration, outcome, access, lookup)
    view.can_rate = services.can_administer(user, case, administration.person)
    if view.can_rate:
        view.rating_domains = [(row.code, row.name) for row in view.domains]
        view.rating_values = clin
    return view


def _score_of(outcome: scoring.Outcome, code: str) -> int | None:
    domain = outcome.domain(code)
    return domain.score if domain else None


# --- views ---------------------------------------------------------------------------------


@require_GET
def result_detail(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    administration, access = queries.get_administration_for(
        request.user, administration_id, need=queries.RESULTS
    )
    view = build_result_view(request.user, administration, access)
    audit.record_view(
        actor=request.user,
        action="assessment.result_viewed",
        target=administration,
        target_label=administration.case.number,
    )
    return render(request, "assessment/result_detail.html", {"view": view})


def _back_to_result(administration_id: int, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('assessment:result', args=[administration_id])}#{anchor}")


def _report(request: AuthenticatedRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@require_POST
def clinician_rate(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    administration, _access = queries.get_administration_for(
        request.user, administration_id, need=queries.RESULTS
    )
    domain = request.POST.get("domain", "")
    raw = request.POST.get("value", "")
    value = int(raw) if raw in ("0", "1", "2") else -1
    try:
        services.rate_domain(
            actor=request.user, administration=administration, domain=domain, value=value
        )
    except ValidationError as error:
        _report(request, error)
    else:
        names = _Definition(administration.version.definition).domain_names
        messages.success(
            request,
            _("The clinician's rating of the domain %(domain)s was saved.")
            % {"domain": names.get(domain, domain)},
        )
    return _back_to_result(administration.pk, "ratings")


@require_POST
def recommendation_decide(request: AuthenticatedRequest, recommendation_id: int) -> HttpResponse:
    require_role(request.user, CASE_ROLES)
    administration_id = (
        Recommendation.objects.filter(pk=recommendation_id)
        .values_list("administration_id", flat=True)
        .first()
    )
    if administration_id is None:
        raise Http404
    # Recommendations are shown to those who see the person's answers (recommendations_of).
    queries.get_administration_for(request.user, administration_id, need=queries.ANSWERS)
    recommendation = Recommendation.objects.get(pk=recommendation_id)
    try:
        services.decide_recommendation(
            actor=request.user,
            recommendation=recommendation,
            status=request.POST.get("status", ""),
            text=request.POST.get("text", ""),
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as error:
        _report(request, error)
    else:
        messages.success(request, _("Your decision on the proposed help was recorded."))
    return _back_to_result(administration_id, f"recommendation-{recommendation_id}")


@require_GET
def summary_pdf(request: AuthenticatedRequest, administration_id: int) -> HttpResponse:
    """The diagnosis summary for the case file: only what this reader may see, and nothing
    of anyone else — no contact data, no answers, no partner comparison."""
    require_role(request.user, CASE_ROLES)
    administration, access = queries.get_administration_for(
        request.user, administration_id, need=queries.RESULTS
    )
    view = build_result_view(request.user, administration, access, printable=True)
    if view.result is None:
        raise Http404
    html = render_to_string(
        "assessment/summary_pdf.html",
        {"view": view, "printed_at": timezone.now(), "printed_by": request.user},
    )
    document = html_to_pdf(html)
    audit.record_view(
        actor=request.user,
        action="assessment.summary_printed",
        target=administration,
        target_label=administration.case.number,
    )
    response = HttpResponse(document, content_type="application/pdf")
    filename = safe_filename(f"NORR-{administration.case.number}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
