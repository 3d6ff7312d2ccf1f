"""微心愿 pages: the public board (claim, fulfil), my wishes and claims (phone-first), staff review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from linli.core import dates
from linli.core.permissions import Action, can, may_any, restrict
from linli.core.views import apply_validation_error
from linli.registry import selectors as reg_selectors
from linli.registry.selectors import resident_of

from . import selectors, services
from .forms import ClaimForm, FulfilForm, RejectForm, WishForm
from .models import PUBLIC_STATES, ClaimState, Kind, State, Wish, WishClaim, WishPhoto


def _msg(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def board(request):
    state = request.GET.get("state", "published")
    kind = request.GET.get("kind", "")
    page = Paginator(selectors.board(state=state, kind=kind), 30).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "wishes/board.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "state": state,
            "kind": kind,
            "kinds": Kind.choices,
            "states": [(s, State(s).label) for s in PUBLIC_STATES],
            "querystring": params.urlencode(),
        },
    )


@login_required
def board_detail(request, pk):
    item = selectors.board_item(pk)
    if item is None:
        raise Http404
    wish = Wish.objects.only("id", "state", "fulfil_within_days").get(pk=pk)
    options = services.claim_options(request.user)
    my_claims = list(WishClaim.objects.filter(wish_id=pk, state=ClaimState.ACTIVE).select_related("organisation"))
    my_claims = [c for c in my_claims if services.is_claimer(request.user, c)]
    claim_form = ClaimForm(options=options)
    fulfil_form = FulfilForm()
    if request.method == "POST":
        try:
            if request.POST.get("do") == "claim":
                claim_form = ClaimForm(request.POST, options=options)
                if claim_form.is_valid():
                    kind, org = claim_form.claimer()
                    services.claim(
                        actor=request.user,
                        wish=wish,
                        kind=kind,
                        organisation=org,
                        share=claim_form.cleaned_data["share"],
                    )
                    messages.success(request, _("Claimed. Please fulfil it by the due date."))
                    return redirect("wishes:board_detail", pk=pk)
            elif request.POST.get("do") == "fulfil":
                fulfil_form = FulfilForm(request.POST, request.FILES)
                if fulfil_form.is_valid():
                    services.wish_fulfil(
                        actor=request.user,
                        wish=wish,
                        note=fulfil_form.cleaned_data["note"],
                        photos=request.FILES.getlist("photos"),
                    )
                    messages.success(request, _("Marked fulfilled. The resident will be asked to confirm."))
                    return redirect("wishes:board_detail", pk=pk)
            elif request.POST.get("do") == "withdraw_claim" and my_claims:
                services.claim_withdraw(actor=request.user, claim=my_claims[0])
                messages.success(request, _("Your claim was withdrawn."))
                return redirect("wishes:board_detail", pk=pk)
        except ValidationError as exc:
            form = fulfil_form if request.POST.get("do") == "fulfil" else claim_form
            apply_validation_error(form, exc)
            if not form.errors:
                messages.error(request, _msg(exc))
    return render(
        request,
        "wishes/board_detail.html",
        {
            "item": item,
            "claim_form": claim_form,
            "fulfil_form": fulfil_form,
            "my_claims": my_claims,
            "may_claim": bool(options) and item["state"] == State.PUBLISHED and not my_claims,
            "may_fulfil": bool(my_claims) and item["state"] == State.CLAIMED,
            "remaining": services.remaining_share(wish) if item["state"] == State.PUBLISHED else 0,
            "has_options": bool(options),
            "state_label": State(item["state"]).label,
        },
    )


@login_required
def wish_list(request):
    if not may_any(request.user, Wish):
        raise PermissionDenied
    state = request.GET.get("state", "")
    q = request.GET.get("q", "")
    page = Paginator(selectors.wishes(request.user, state=state, q=q), 50).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "wishes/wish_list.html",
        {
            "page_obj": page,
            "object_list": page.object_list,
            "state": state,
            "q": q,
            "states": State.choices,
            "counts": selectors.stats_by_state(request.user),
            "querystring": params.urlencode(),
            "may_add": may_any(request.user, Wish, Action.ADD),
            "may_export": may_any(request.user, Wish, Action.EXPORT),
        },
    )


@login_required
def wish_export(request):
    """The wish list with claimers and states as xlsx (filtered like the list; audited)."""
    from .exporting import export_wishes

    out, _n = export_wishes(actor=request.user, state=request.GET.get("state", ""), q=request.GET.get("q", ""))
    return FileResponse(out, as_attachment=True, filename=f"wishes-{dates.today():%Y%m%d}.xlsx")


@login_required
def wish_detail(request, pk):
    wish = get_object_or_404(selectors.wishes(request.user), pk=pk)
    may_change = can(request.user, Action.CHANGE, wish)
    reject_form = RejectForm()
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "approve" and may_change:
                services.wish_approve(actor=request.user, wish=wish)
                messages.success(request, _("Approved and published on the board."))
            elif do == "reject" and may_change:
                reject_form = RejectForm(request.POST)
                if not reject_form.is_valid():
                    raise ValidationError({"reason": _("Give the reason for rejecting.")})
                services.wish_reject(actor=request.user, wish=wish, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("Rejected."))
            elif do == "withdraw":
                services.wish_withdraw(actor=request.user, wish=wish)
                messages.success(request, _("Withdrawn."))
            elif do == "confirm":
                services.wish_confirm(actor=request.user, wish=wish)
                messages.success(request, _("Confirmed. Thank you for telling us."))
            else:
                raise PermissionDenied
            return redirect("wishes:detail", pk=pk)
        except ValidationError as exc:
            messages.error(request, _msg(exc))
            return redirect("wishes:detail", pk=pk)
    claims = wish.claims.select_related("organisation", "resident", "user")
    return render(
        request,
        "wishes/wish_detail.html",
        {
            "wish": wish,
            "claims": claims,
            "photos": wish.photos.all(),
            "may_change": may_change,
            "may_confirm": wish.state == State.FULFILLED and services.may_confirm(request.user, wish),
            "reject_form": reject_form,
        },
    )


@login_required
def wish_create(request):
    resident = None
    own = resident_of(request.user)
    if request.GET.get("resident") or request.POST.get("resident"):
        resident = get_object_or_404(
            reg_selectors.residents(request.user, action=Action.VIEW),
            pk=request.GET.get("resident") or request.POST.get("resident"),
        )
    elif own is not None:
        resident = own
    if resident is None:
        if not may_any(request.user, Wish, Action.ADD):
            raise PermissionDenied
        messages.info(request, _("Open the resident's record and choose “Submit a micro-wish” there."))
        return redirect("wishes:list")
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wish = services.wish_submit(actor=request.user, resident=resident, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Submitted. Community staff will review it."))
            return redirect("wishes:detail", pk=wish.pk)
    return render(request, "wishes/wish_form.html", {"form": form, "resident": resident, "for_self": resident == own})


@login_required
def mine(request):
    return render(
        request,
        "wishes/mine.html",
        {
            "wishes": selectors.my_wishes(request.user),
            "claims": selectors.claims(request.user, mine=True)[:100],
            "has_resident": resident_of(request.user) is not None,
        },
    )


@login_required
def photo(request, pk):
    item = WishPhoto.objects.select_related("wish").filter(pk=pk).first()
    if item is None:
        raise Http404
    allowed = restrict(WishPhoto.objects.filter(pk=pk), request.user).exists() or any(
        services.is_claimer(request.user, c) for c in item.wish.claims.all()
    )
    if not allowed:
        raise Http404
    return FileResponse(item.image.open("rb"), content_type=item.content_type)
