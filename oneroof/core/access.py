"""The one way views fetch a single object: through a queryset already limited to the user."""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_visible_or_404(visible: QuerySet[M], pk: object) -> M:
    """Return the object with ``pk`` from ``visible`` or answer 404.

    Objects outside the user's scope answer 404, not 403, so that a URL never confirms that a
    record the user may not know about exists (access policy, principle 3).
    """
    try:
        return visible.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
