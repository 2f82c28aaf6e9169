"""Setting up an office: a sub-district (superusers), its communities (sub-district staff), the structure
of its compounds from its own sheet (dry run, then 确认导入), and invitations for its staff and volunteers."""

from __future__ import annotations

import secrets
import shutil
import time
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anju.accounts import invitations
from anju.accounts.models import Invitation, Role
from anju.core.audit import Actor
from anju.core.errors import AnjuError, ValidationFailed
from anju.core.pages import attempt
from anju.core.scoping import scope_of
from anju.domain.rostersheet.structure import STRUCTURE_COLUMNS
from anju.roster import setup
from anju.roster.access import Action, access_subdistrict
from anju.roster.models import Community, Compound, Subdistrict

MAX_UPLOAD = 20 * 1024 * 1024  # bytes; a structure sheet of a whole city is far smaller
_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".csv", ".txt"}
_SESSION = "structure_uploads"
KEEP_SECONDS = 24 * 3600  # a dry run not confirmed within a day is uploaded again


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Superusers see every sub-district and create one; staff go to their own sub-district's set-up."""
    scope = setup.require_setter(request.user)
    if not scope.everything:
        return redirect("roster:setup_detail", scope.subdistrict_id)
    return render(request, "roster/setup/index.html", {"subdistricts": setup.subdistricts_for(scope)})


@login_required
@require_POST
def subdistrict_new(request: HttpRequest) -> HttpResponse:
    setup.require_subdistrict_creator(request.user)
    made = attempt(request, lambda: setup.subdistrict_set_up(
        name=request.POST.get("name", ""), district=request.POST.get("district", ""),
        city=request.POST.get("city", ""), phone=request.POST.get("phone", ""), actor=Actor.of(request.user),
    ), done=lambda s: _("已新建%(name)s。下一步：建立社区，并邀请街道工作人员。") % {"name": s.name})
    if made is None:
        return render(request, "roster/setup/index.html",
                      {"subdistricts": setup.subdistricts_for(scope_of(request.user)), "form": request.POST},
                      status=400)
    return redirect("roster:setup_detail", made.pk)


def _page(request: HttpRequest, node: Subdistrict, *, status: int = 200, **extra: object) -> HttpResponse:
    scope = scope_of(request.user)
    communities = Community.objects.within(scope).filter(subdistrict=node)
    compounds = Compound.objects.within(scope).filter(subdistrict=node).select_related("community")
    sent = Invitation.objects.filter(user__anju_profile__subdistrict=node).select_related(
        "user__anju_profile__community", "user__anju_profile__compound")
    if scope.community_id is not None:
        sent = sent.filter(user__anju_profile__community_id=scope.community_id)
    return render(request, "roster/setup/detail.html", {
        "node": node, "communities": communities, "compounds": compounds,
        "may_add_communities": scope.everything or scope.community_id is None,
        "roles": [(r.value, r.label) for r in invitations.roles_for(scope)],
        "columns": STRUCTURE_COLUMNS, "sent": sent[:50], **extra,
    }, status=status)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_subdistrict(request.user, pk, action=Action.EDIT)
    setup.require_setter(request.user)
    return _page(request, node)


@login_required
@require_POST
def communities(request: HttpRequest, pk: int) -> HttpResponse:
    node = access_subdistrict(request.user, pk, action=Action.EDIT)
    setup.require_community_creator(request.user)
    made = attempt(request, lambda: setup.communities_add(
        subdistrict=node, names=request.POST.get("names", "").splitlines(), actor=Actor.of(request.user)),
        done=lambda made: _("已建立社区：%(names)s。") % {"names": "、".join(c.name for c in made)})
    if made is None:
        return _page(request, node, status=400, names=request.POST.get("names", ""))
    return redirect("roster:setup_detail", node.pk)


def _uploads_dir() -> Path:
    """Where dry-run uploads wait for 确认导入; those older than KEEP_SECONDS are removed on the next upload."""
    root = Path(settings.MEDIA_ROOT) / "structure-imports"
    if root.is_dir():
        for old in root.iterdir():
            if time.time() - old.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(old, ignore_errors=True)
    return root


@login_required
@require_POST
def structure(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a structure sheet and dry-run it: what would be created, or every problem."""
    node = access_subdistrict(request.user, pk, action=Action.EDIT)
    scope = setup.require_setter(request.user)
    upload = request.FILES.get("file")
    if upload is None or Path(upload.name).suffix.lower() not in _SUFFIXES:
        raise ValidationFailed("请选择一个 xlsx 或 CSV 文件。", "Please choose an xlsx or CSV file.", field="file")
    if upload.size > MAX_UPLOAD:
        raise ValidationFailed("文件太大（不超过20 MB）。", "The file is too large (20 MB at most).", field="file")
    mapping_text = request.POST.get("mapping", "")
    headers = setup.parse_mapping(mapping_text)
    token = secrets.token_hex(12)
    path = _uploads_dir() / token / f"upload{Path(upload.name).suffix.lower()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    try:
        plan = setup.structure_import(path, subdistrict=node, scope=scope, actor=Actor.of(request.user),
                                      dry_run=True, headers=headers)
    except AnjuError:
        shutil.rmtree(path.parent, ignore_errors=True)
        raise
    if plan.problems:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _page(request, node, status=400, plan=plan, mapping=mapping_text)
    uploads = request.session.get(_SESSION, {})
    uploads[token] = {"subdistrict": node.pk, "path": str(path), "mapping": headers, "name": upload.name[:120]}
    request.session[_SESSION] = uploads
    return _page(request, node, plan=plan, upload=token, mapping=mapping_text)


@login_required
@require_POST
def structure_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """确认导入: apply the upload of this user's clean dry run, once."""
    node = access_subdistrict(request.user, pk, action=Action.EDIT)
    scope = setup.require_setter(request.user)
    uploads = request.session.get(_SESSION, {})
    kept = uploads.pop(request.POST.get("upload", ""), None)
    request.session[_SESSION] = uploads
    if kept is None or kept["subdistrict"] != node.pk or not Path(kept["path"]).exists():
        raise ValidationFailed("找不到这次试导入（已确认过或已过期），请重新上传。",
                               "No such dry run (already confirmed, or expired); please upload again.", field="upload")
    path = Path(kept["path"])
    try:
        plan = setup.structure_import(path, subdistrict=node, scope=scope, actor=Actor.of(request.user),
                                      dry_run=False, headers=kept["mapping"])
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
    if plan.problems:  # the database changed since the dry run
        return _page(request, node, status=409, plan=plan)
    summary = plan.summary()
    messages.success(request, _("已导入：新建小区 %(c)s 个、楼栋 %(b)s 栋、单元 %(u)s 个。") % {
        "c": summary["compounds_new"], "b": summary["buildings_new"], "u": summary["units_new"]})
    return redirect("roster:setup_detail", node.pk)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite a staff member or volunteer; the one-time link is shown here once (and mailed if an address is given)."""
    node = access_subdistrict(request.user, pk, action=Action.EDIT)
    scope = setup.require_setter(request.user)
    role = request.POST.get("role", "")
    community = _pick(Community.objects.within(scope).filter(subdistrict=node), request.POST.get("community"))
    compound = _pick(Compound.objects.within(scope).filter(subdistrict=node), request.POST.get("compound"))
    try:
        invitation, key = invitations.invitation_create(
            scope=scope, role=role, subdistrict_id=node.pk, community=community, compound=compound,
            username=request.POST.get("username", ""), display_name=request.POST.get("display_name", ""),
            email=request.POST.get("email", ""),
            link_for=lambda key: request.build_absolute_uri(reverse("accounts:invitation", args=[key])),
            actor=Actor.of(request.user),
        )
    except AnjuError as error:
        return _page(request, node, status=error.status, invite_error=error, invite_form=request.POST)
    link = request.build_absolute_uri(reverse("accounts:invitation", args=[key]))
    return _page(request, node, invited=invitation, invite_link=link, invited_role=Role(role).label)


def _pick(queryset, value: str | None):
    """The chosen community or compound within the inviter's reach (None when not chosen or not reachable)."""
    try:
        return queryset.filter(pk=int(value)).first() if value else None
    except ValueError:
        return None
