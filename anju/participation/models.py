"""Tables of the 共建共治 capability: suggestions, notices, meetings, visits, the party network.

Tables only: every write goes through `participation.services`, every scoped read through
`<Model>.objects.visible_to(user)` (404 outside the scope, never 403).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core import crypto
from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.core.sealed import SealedField
from anju.domain.ids import mask_phone

COMPOUND_PATHS = ScopePaths(subdistrict="subdistrict_id", community="compound__community_id", compound="compound_id")


# ---------------------------------------------------------------- suggestions (建言献策)

class Category(models.TextChoices):
    SANITATION = "sanitation", _("环境卫生")
    REPAIR = "repair", _("设施维修")
    ELEVATOR = "elevator", _("加装电梯")
    PARKING = "parking", _("停车")
    SAFETY = "safety", _("安全隐患")
    PROPERTY = "property", _("物业服务")
    RENOVATION = "renovation", _("改造建议")
    OTHER = "other", _("其他")


class SuggestionStatus(models.TextChoices):
    NEW = "new", _("待处理")
    ASSIGNED = "assigned", _("已转办")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


class Suggestion(models.Model):
    """A suggestion or problem sent by a resident, anonymously, from a phone."""

    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("街道"))
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="suggestions", verbose_name=_("小区"))
    building = models.ForeignKey("roster.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="suggestions", verbose_name=_("楼栋"))
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    title = models.CharField(_("标题"), max_length=80)
    body = models.TextField(_("内容"), max_length=2000)
    contact_name = models.CharField(_("称呼"), max_length=20, blank=True)
    contact_phone_encrypted = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    receipt_code = models.CharField(_("回执码"), max_length=12, unique=True, editable=False)
    status = models.CharField(_("状态"), max_length=12, choices=SuggestionStatus.choices, default=SuggestionStatus.NEW)
    assigned_community = models.ForeignKey("roster.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转办社区"))
    assigned_compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("转办小区"))
    assigned_org = models.CharField(_("转办单位"), max_length=80, blank=True)
    reply = models.TextField(_("官方答复"), blank=True)
    replied_by = models.CharField(_("答复人"), max_length=60, blank=True)
    show_on_board = models.BooleanField(_("在公开栏展示"), default=True)
    # What the suggestion is about when it was filed from a published figure ("这里不对"): another app's
    # key for it (stewardship: "disclosure:<id>:<figure>"), text rather than a foreign key across apps.
    subject = models.CharField(_("涉及的公示数字"), max_length=120, blank=True, db_index=True)
    created = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    first_reply_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    scope_paths = COMPOUND_PATHS
    sealed_fields = (SealedField("contact_phone_encrypted"),)  # re-sealed by `anju rotate-data-key`
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("建言献策")
        verbose_name_plural = _("建言献策")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["subdistrict", "status"], name="suggestion_sd_status")]
        constraints = [
            models.CheckConstraint(condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False), name="suggestion_closed_has_time"),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} {self.title}"

    @property
    def contact_phone(self) -> str:
        return crypto.decrypt(self.contact_phone_encrypted)

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)


class SuggestionPhoto(models.Model):
    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="participation/suggestions/%Y/%m/")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    scope_paths = ScopePaths(subdistrict="suggestion__subdistrict_id", community="suggestion__compound__community_id",
                             compound="suggestion__compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


# ---------------------------------------------------------------- notices (宣传单, 公示)

class NoticeKind(models.TextChoices):
    NOTICE = "notice", _("公示")
    LEAFLET = "leaflet", _("宣传单")


class Notice(models.Model):
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="notices", verbose_name=_("街道"))
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="notices", verbose_name=_("小区"))
    building = models.ForeignKey("roster.Building", on_delete=models.PROTECT, null=True, blank=True, related_name="notices",
                                 verbose_name=_("楼栋"), help_text=_("留空则发布到整个小区"))
    kind = models.CharField(_("类型"), max_length=10, choices=NoticeKind.choices, default=NoticeKind.NOTICE)
    title = models.CharField(_("标题"), max_length=120)
    body_html = models.TextField(_("正文"), help_text=_("已按白名单清理的 HTML"))
    issuer = models.CharField(_("发布单位"), max_length=80, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True, db_index=True)
    created_by = models.CharField(_("撰写人"), max_length=60, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    scope_paths = COMPOUND_PATHS
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("公示与宣传单")
        verbose_name_plural = _("公示与宣传单")
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class NoticeImage(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="images")
    image = models.FileField(_("图片"), upload_to="participation/notices/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=80, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name or ""


# ---------------------------------------------------------------- meetings (民情恳谈会)

class Meeting(models.Model):
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("街道"))
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("小区"))
    starts_at = models.DateTimeField(_("时间"))
    place = models.CharField(_("地点"), max_length=120)
    topic = models.CharField(_("议题"), max_length=160)
    minutes = models.TextField(_("会议纪要"), blank=True)
    invited = models.ManyToManyField("roster.Household", related_name="meetings_invited", blank=True, verbose_name=_("受邀住户"))
    present = models.ManyToManyField("roster.Household", related_name="meetings_attended", blank=True, verbose_name=_("到会住户"))
    suggestions = models.ManyToManyField(Suggestion, related_name="meetings", blank=True, verbose_name=_("讨论的建议"))
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = COMPOUND_PATHS
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("民情恳谈会")
        verbose_name_plural = _("民情恳谈会")
        ordering = ["-starts_at", "-id"]

    def __str__(self) -> str:
        return self.topic


class Decision(models.Model):
    """A decision of a meeting, optionally linked to a project, a consultation or any other record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("决定事项"))
    # Generic, because the programme and consultations apps evolve on their own; a free reference otherwise.
    linked_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    linked_id = models.PositiveBigIntegerField(null=True, blank=True)
    linked = GenericForeignKey("linked_type", "linked_id")
    reference = models.CharField(_("关联事项"), max_length=120, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:40]


class FollowUp(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("跟进事项"), max_length=200)
    owner = models.CharField(_("责任人"), max_length=60)
    due = models.DateField(_("完成期限"))
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.description


# ---------------------------------------------------------------- household visits (一户一策)

class Answer(models.TextChoices):
    YES = "yes", _("同意")
    NO = "no", _("不同意")
    UNSURE = "unsure", _("待定")


QUESTIONS = (  # the five household questions of the article
    ("renovation", _("改造意愿")),
    ("access_control", _("门禁安装")),
    ("property_management", _("物业管理")),
    ("illegal_structures", _("违建拆除")),
    ("elevator", _("电梯安装")),
)


class Visit(models.Model):
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="visits")
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="visits", verbose_name=_("小区"))
    household = models.ForeignKey("roster.Household", on_delete=models.CASCADE, related_name="visits", verbose_name=_("户"))
    visited_on = models.DateField(_("走访日期"))
    visitors = models.CharField(_("走访人"), max_length=80)
    renovation = models.CharField(_("改造意愿"), max_length=8, choices=Answer.choices, blank=True)
    access_control = models.CharField(_("门禁安装"), max_length=8, choices=Answer.choices, blank=True)
    property_management = models.CharField(_("物业管理"), max_length=8, choices=Answer.choices, blank=True)
    illegal_structures = models.CharField(_("违建拆除"), max_length=8, choices=Answer.choices, blank=True)
    elevator = models.CharField(_("电梯安装"), max_length=8, choices=Answer.choices, blank=True)
    concerns = models.TextField(_("诉求与顾虑"), blank=True)
    follow_up = models.TextField(_("跟进措施"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = COMPOUND_PATHS
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("入户走访")
        verbose_name_plural = _("入户走访")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["compound", "household"], name="visit_compound_household")]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"


# ---------------------------------------------------------------- party network and volunteers

class OrgLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道党工委")
    COMMUNITY = "community", _("社区党委")
    BRANCH = "branch", _("小区党支部")


class PartyOrganisation(models.Model):
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="party_organisations")
    level = models.CharField(_("层级"), max_length=12, choices=OrgLevel.choices)
    name = models.CharField(_("名称"), max_length=80)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级组织"))
    community = models.ForeignKey("roster.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, null=True, blank=True, related_name="party_branches")
    secretary = models.CharField(_("书记"), max_length=40, blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["level", "id"]
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "name"], name="party_org_name_unique"),
            models.CheckConstraint(name="party_org_level_shape", condition=(
                models.Q(level="subdistrict", parent__isnull=True, community__isnull=True, compound__isnull=True)
                | models.Q(level="community", parent__isnull=False, community__isnull=False, compound__isnull=True)
                | models.Q(level="branch", parent__isnull=False, community__isnull=False, compound__isnull=False)
            )),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    organisation = models.ForeignKey(PartyOrganisation, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="party_memberships", verbose_name=_("党员"))
    duty = models.CharField(_("职务"), max_length=30, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "person"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.organisation_id}"


class PledgeKind(models.TextChoices):
    SUPPORT = "support", _("支持改造")
    ILLEGAL = "illegal", _("拆违控违")
    FEES = "fees", _("缴纳物业费和维修资金")
    PETITIONS = "petitions", _("协助化解信访矛盾")


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", _("承诺")
    IN_PROGRESS = "in_progress", _("履行中")
    FULFILLED = "fulfilled", _("已兑现")


class Pledge(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pledges")
    kind = models.CharField(_("承诺事项"), max_length=12, choices=PledgeKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["membership_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["membership", "kind"], name="pledge_unique")]

    def __str__(self) -> str:
        return self.get_kind_display()


class VolunteerRole(models.TextChoices):
    SPEAKER = "speaker", _("政策宣讲员")
    OBSERVER = "observer", _("民情观察员")
    ENVIRONMENT = "environment", _("施工环境维护员")
    SUPERVISOR = "supervisor", _("施工现场监督员")


class Volunteer(models.Model):
    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="volunteers")
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="volunteers", verbose_name=_("小区"))
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="volunteer_roles", verbose_name=_("志愿者"))
    role = models.CharField(_("岗位"), max_length=12, choices=VolunteerRole.choices)
    # A renovation project, loosely: the programme app is free to change its tables.
    project_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    project_id = models.PositiveBigIntegerField(null=True, blank=True)
    project = GenericForeignKey("project_type", "project_id")
    project_reference = models.CharField(_("项目"), max_length=120, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    scope_paths = COMPOUND_PATHS
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["compound_id", "role", "id"]
        constraints = [models.UniqueConstraint(fields=["compound", "person", "role"], name="volunteer_unique")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_role_display()}"


class ActivityKind(models.TextChoices):
    VISIT = "visit", _("入户走访")
    PUBLICITY = "publicity", _("政策宣讲")
    PATROL = "patrol", _("环境维护")
    SUPERVISION = "supervision", _("现场监督")
    MEDIATION = "mediation", _("矛盾调解")
    OTHER = "other", _("其他")


class Activity(models.Model):
    """Hours and household visits a volunteer or party member gave in a compound."""

    subdistrict = models.ForeignKey("roster.Subdistrict", on_delete=models.PROTECT, related_name="activities")
    compound = models.ForeignKey("roster.Compound", on_delete=models.PROTECT, related_name="activities", verbose_name=_("小区"))
    person = models.ForeignKey("roster.Person", on_delete=models.CASCADE, related_name="activities", verbose_name=_("人员"))
    on = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=12, choices=ActivityKind.choices)
    hours = models.DecimalField(_("时长（小时）"), max_digits=5, decimal_places=1)
    visits = models.PositiveIntegerField(_("走访户数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = COMPOUND_PATHS
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0, hours__lte=24), name="activity_hours_range")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.on} {self.hours}h"
