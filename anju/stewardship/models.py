"""长效管理: who manages each compound, under which contract, and the rule set the sub-district follows.

Every record is kept (Civil Code art. 280: decisions bind owners and can be challenged in court):
a management or a contract that ends gets an end date, never deleted. One open management per
compound (a database constraint); contracts of one compound may not overlap (checked in the
service under a lock on the compound).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Compound, Subdistrict

_C = "compound__"


class RuleSetVersion(models.Model):
    """A sub-district's rule set: a shipped one (`base`) with its own adjustments, one row per version."""

    class Base(models.TextChoices):
        NATIONAL = "national", _("全国通用规则")
        BEIJING = "beijing", _("北京市规则")
        SHANGHAI = "shanghai", _("上海市规则")

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="rule_sets", verbose_name=_("街道"))
    base = models.CharField(_("依据的规则集"), max_length=20, choices=Base.choices)
    version = models.PositiveIntegerField(_("版本"))
    # {figure key: value as JSON (ratios "a/b")}: the adjustments over `base`, replayed by queries.rules_for.
    changes = models.JSONField(_("调整的数值"), default=dict, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    chosen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("操作人"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("长效管理规则集")
        verbose_name_plural = _("长效管理规则集")
        ordering = ["subdistrict_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "version"], name="ruleset_version_unique")]

    def __str__(self) -> str:
        return f"{self.get_base_display()} v{self.version}"


class PropertyCompany(models.Model):
    """A property service company (物业服务企业) working in the sub-district."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="property_companies",
                                    verbose_name=_("街道"))
    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    contact = models.CharField(_("联系人"), max_length=60, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)  # the company's line, not a person's data

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业服务企业")
        verbose_name_plural = _("物业服务企业")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "credit_code"], name="company_code_unique")]

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    MARKET = "market", _("市场化物业")
    PUBLIC = "public", _("公益性或兜底物业")
    SELF = "self", _("业主自管")
    EMERGENCY = "emergency", _("应急物业")
    NONE = "none", _("无人管理")


MODES_WITH_COMPANY = (Mode.MARKET, Mode.PUBLIC, Mode.EMERGENCY)


class Management(models.Model):
    """Who manages a compound from `since` (until `until`, or still): one open row per compound."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="managements", verbose_name=_("小区"))
    mode = models.CharField(_("管理方式"), max_length=20, choices=Mode.choices)
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="managements", verbose_name=_("物业服务企业"))
    since = models.DateField(_("起始日期"))
    until = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区管理方式")
        verbose_name_plural = _("小区管理方式")
        ordering = ["compound_id", "-since", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound"], condition=models.Q(until__isnull=True),
                                    name="management_one_open_per_compound"),
            models.CheckConstraint(condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                                   name="management_until_after_since"),
            models.CheckConstraint(
                condition=(models.Q(mode__in=[m.value for m in MODES_WITH_COMPANY], company__isnull=False)
                           | (~models.Q(mode__in=[m.value for m in MODES_WITH_COMPANY]) & models.Q(company__isnull=True))),
                name="management_company_matches_mode"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_mode_display()}"


class Contract(models.Model):
    """A property service contract (物业服务合同) of one compound with one company."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("小区"))
    company = models.ForeignKey(PropertyCompany, on_delete=models.PROTECT, related_name="contracts",
                                verbose_name=_("物业服务企业"))
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("服务起始日期"))
    ends_on = models.DateField(_("服务截止日期"), null=True, blank=True)  # None: open-ended (Civil Code art. 948)
    fee_fen = models.PositiveIntegerField(_("物业费（分/㎡·月）"))
    services = models.TextField(_("服务内容"), blank=True)
    notice_days = models.PositiveSmallIntegerField(_("合同约定的解聘通知天数"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    terminated_on = models.DateField(_("提前终止日期"), null=True, blank=True)
    # Civil Code art. 949: what the outgoing manager hands back, ticked off one by one.
    handover = models.JSONField(_("交接清单"), default=dict, blank=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")
        ordering = ["compound_id", "-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="contract_ends_after_start"),
        ]
        indexes = [models.Index(fields=["compound", "starts_on"], name="contract_compound_start")]

    def __str__(self) -> str:
        return f"{self.compound} · {self.company}"

    @property
    def last_day(self) -> datetime.date | None:
        """The last day of service: early termination, else the agreed end, else open (None)."""
        return self.terminated_on or self.ends_on


class FormationCase(models.Model):
    """业主大会筹备: forming a compound's owners' assembly and electing its first committee, step by step.

    Each step's date is recorded when it happens; its deadline comes from the sub-district's rule
    set (queries.case_timeline), so a changed rule set moves the deadlines of open cases too.
    """

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="formation_cases", verbose_name=_("小区"))
    applied_on = models.DateField(_("申请日期"))
    note = models.CharField(_("说明"), max_length=300, blank=True)
    reviewed_on = models.DateField(_("街道审核日期"), null=True, blank=True)
    group_formed_on = models.DateField(_("筹备组成立日期"), null=True, blank=True)
    group_published_on = models.DateField(_("筹备组名单公示日期"), null=True, blank=True)
    assembly_planned_on = models.DateField(_("首次业主大会会议计划日期"), null=True, blank=True)
    publicity_on = models.DateField(_("会前公示日期"), null=True, blank=True)
    elected_on = models.DateField(_("选举日期"), null=True, blank=True)
    first_meeting_on = models.DateField(_("业主委员会首次会议日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    seats = models.PositiveSmallIntegerField(_("应选委员人数"), null=True, blank=True)
    # The first assembly meeting's vote, whose election question elects the committee (art. 278 (3)).
    assembly = models.OneToOneField("consultations.Consultation", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="formation_case", verbose_name=_("首次业主大会会议表决"))
    closed = models.BooleanField(_("已结束"), default=False)
    # The two publicity periods, posted as the participation app's notices (with their QR codes).
    candidates_notice = models.ForeignKey("participation.Notice", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("候选人名单公示"))
    result_notice = models.ForeignKey("participation.Notice", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+", verbose_name=_("选举结果公告"))

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("业主大会筹备")
        verbose_name_plural = _("业主大会筹备")
        ordering = ["compound_id", "-applied_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["compound"], condition=models.Q(closed=False),
                                               name="formation_one_open_per_compound")]

    def __str__(self) -> str:
        return f"{self.compound} · 业主大会筹备"

    @property
    def result_published_on(self) -> datetime.date | None:
        """The day the election result notice went up (the step of the timeline after the election)."""
        notice = self.result_notice
        return timezone.localdate(notice.published_at) if notice is not None and notice.published_at else None


class Applicant(models.Model):
    """A household whose owners signed the application (their share is computed from the roster)."""

    case = models.ForeignKey(FormationCase, on_delete=models.CASCADE, related_name="applicants", verbose_name=_("筹备"))
    household = models.ForeignKey("roster.Household", on_delete=models.PROTECT, related_name="+", verbose_name=_("户"))

    class Meta:
        verbose_name = _("申请户")
        verbose_name_plural = _("申请户")
        constraints = [models.UniqueConstraint(fields=["case", "household"], name="applicant_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.household_id}"


class GroupMember(models.Model):
    """A member of the preparatory group: an owner from the roster, or a representative (居委会, 街道…)."""

    case = models.ForeignKey(FormationCase, on_delete=models.CASCADE, related_name="members", verbose_name=_("筹备"))
    person = models.ForeignKey("roster.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("业主"))
    name = models.CharField(_("姓名"), max_length=40)
    role = models.CharField(_("身份"), max_length=40)
    owner = models.BooleanField(_("是本小区业主"), default=False)
    leader = models.BooleanField(_("组长"), default=False)

    class Meta:
        verbose_name = _("筹备组成员")
        verbose_name_plural = _("筹备组成员")
        ordering = ["-leader", "pk"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], condition=models.Q(person__isnull=False),
                                               name="group_member_unique")]

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A candidate for the committee: an owner, eligible under the rule set, with a written pledge."""

    case = models.ForeignKey(FormationCase, on_delete=models.CASCADE, related_name="candidates", verbose_name=_("筹备"))
    person = models.ForeignKey("roster.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("候选人"))
    interests = models.CharField(_("申报的利害关系"), max_length=300, blank=True)
    pledge_on = models.DateField(_("书面承诺日期"))

    class Meta:
        verbose_name = _("委员候选人")
        verbose_name_plural = _("委员候选人")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="candidate_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.person_id}"


# --- the committee over its term ------------------------------------------------------------------


class CommitteeKind(models.TextChoices):
    OWNERS = "owners", _("业主委员会")
    INTERIM = "interim", _("物业管理委员会")


class Committee(models.Model):
    """A compound's owners' committee (业主委员会) for one term, or an interim 物业管理委员会.

    An owners' committee is elected by the assembly: the first one as the result of a formation
    case (`case`), later ones by re-election (`election_ref` names the published result). An interim
    committee is formed by the 街道 where owners cannot yet govern (北京 art. 54) and ends when the
    elected committee takes over (`successor`). One committee in office per compound; records are
    kept when a term ends (Civil Code art. 280).
    """

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="committees", verbose_name=_("小区"))
    kind = models.CharField(_("类别"), max_length=10, choices=CommitteeKind.choices, default=CommitteeKind.OWNERS)
    case = models.OneToOneField(FormationCase, on_delete=models.PROTECT, null=True, blank=True, related_name="committee",
                                verbose_name=_("业主大会筹备"))
    number = models.PositiveSmallIntegerField(_("届次"), default=1)
    elected_on = models.DateField(_("选举（组建）日期"))
    term_years = models.PositiveSmallIntegerField(_("任期（年）"))
    term_ends = models.DateField(_("任期届满日期"))
    election_ref = models.CharField(_("选举结果公告"), max_length=120, blank=True)
    led_by = models.CharField(_("牵头单位"), max_length=60, blank=True)  # interim: the residents' committee
    first_meeting_on = models.DateField(_("首次会议日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    late_reason = models.CharField(_("逾期原因"), max_length=300, blank=True)
    report_on = models.DateField(_("任期届满报告日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"), null=True, blank=True)
    end_reason = models.CharField(_("结束原因"), max_length=200, blank=True)
    successor = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessor",
                                     verbose_name=_("接任的委员会"))

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("业主委员会")
        verbose_name_plural = _("业主委员会")
        ordering = ["compound_id", "-elected_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["compound"], condition=models.Q(ended_on__isnull=True),
                                    name="committee_one_in_office_per_compound"),
            models.CheckConstraint(condition=models.Q(term_ends__gt=models.F("elected_on")),
                                   name="committee_term_after_election"),
        ]

    def __str__(self) -> str:
        return f"{self.compound} · {self.get_kind_display()}"

    @property
    def interim(self) -> bool:
        return self.kind == CommitteeKind.INTERIM


class CommitteeMember(models.Model):
    """A member for as long as they serve: an owner from the roster or a representative (居委会…)."""

    class Role(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE = "vice", _("副主任")
        MEMBER = "member", _("委员")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="members", verbose_name=_("委员会"))
    person = models.ForeignKey("roster.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name=_("业主"))
    name = models.CharField(_("姓名"), max_length=40)
    affiliation = models.CharField(_("身份"), max_length=40, blank=True)  # 业主代表, 居委会代表…
    owner = models.BooleanField(_("是本小区业主"), default=False)
    party_member = models.BooleanField(_("中共党员"), default=False)  # from the party roster, or told by staff
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    since = models.DateField(_("任职日期"))
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    left_reason = models.CharField(_("离任原因"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = _("委员")
        ordering = ["left_on", "role", "pk"]
        constraints = [models.UniqueConstraint(fields=["committee", "person"],
                                               condition=models.Q(person__isnull=False, left_on__isnull=True),
                                               name="committee_member_unique")]

    def __str__(self) -> str:
        return self.name


class CommitteeChange(models.Model):
    """A change to a filed committee (a member leaves or joins, officers change): filed within the
    rule set's days (指导规则 art. 34, 北京 art. 50, 上海 art. 33)."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="changes", verbose_name=_("委员会"))
    on = models.DateField(_("变更日期"))
    summary = models.CharField(_("变更事项"), max_length=300)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    late_reason = models.CharField(_("逾期原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("委员会变更")
        verbose_name_plural = _("委员会变更")
        ordering = ["-on", "-pk"]

    def __str__(self) -> str:
        return self.summary


class CommitteeMeeting(models.Model):
    """A meeting of the committee (its minutes are the participation meeting's), and the publication of
    its decisions within the rule set's days (北京 art. 45: three days), as a notice."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("委员会"))
    meeting = models.OneToOneField("participation.Meeting", on_delete=models.PROTECT, related_name="committee_meeting",
                                   verbose_name=_("会议"))
    held_on = models.DateField(_("会议日期"))
    decisions = models.JSONField(_("决定事项"), default=list, blank=True)
    notice = models.ForeignKey("participation.Notice", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("决定公告"))
    published_on = models.DateField(_("公告日期"), null=True, blank=True)
    late_reason = models.CharField(_("逾期原因"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("委员会会议")
        verbose_name_plural = _("委员会会议")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.committee_id}:{self.held_on}"


class EmergencyCase(models.Model):
    """应急物业: a manager the 街道 appoints when a compound is left without one (北京 art. 77, 上海
    art. 52), for at most the rule set's months, until the owners hire one (`successor`)."""

    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="emergencies", verbose_name=_("小区"))
    management = models.OneToOneField(Management, on_delete=models.PROTECT, related_name="emergency",
                                      verbose_name=_("应急物业"))
    decided_on = models.DateField(_("街道确定日期"))
    reason = models.CharField(_("原因"), max_length=300, blank=True)
    successor = models.OneToOneField(Management, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("接续的管理方式"))

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("应急物业")
        verbose_name_plural = _("应急物业")
        ordering = ["compound_id", "-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.compound} · 应急物业"


class PartyLink(models.Model):
    """红色物业 / 党建引领: the party organisation that leads a compound's governance (its own branch, or
    the community's), and the property company's own branch if it has one."""

    compound = models.OneToOneField(Compound, on_delete=models.PROTECT, related_name="party_link", verbose_name=_("小区"))
    organisation = models.ForeignKey("participation.PartyOrganisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("党组织"))
    company_branch = models.CharField(_("物业服务企业党组织"), max_length=80, blank=True)
    since = models.DateField(_("建立日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("党建引领")
        verbose_name_plural = _("党建引领")

    def __str__(self) -> str:
        return f"{self.compound} · {self.organisation}"


# 物业费 (issue 14, point 3) lives in its own module; imported here so Django finds its models.
from anju.stewardship.models_fees import (  # noqa: E402
    Allocation,
    Bill,
    Channel,
    DemandLetter,
    FeePayment,
    FeeStandard,
    ParkingSpace,
)

__all__ = ["Allocation", "Applicant", "Bill", "Candidate", "Channel", "CommitteeMeeting", "Contract", "DemandLetter", "FeePayment",
           "FeeStandard", "FormationCase", "GroupMember", "Management", "Mode", "ParkingSpace", "PropertyCompany",
           "RuleSetVersion"]
# The maintenance fund's models live in their own module (issue 14); imported here so Django finds them.
# 公示 (issue 14, point 4): its own module, imported here so Django finds it.
from anju.stewardship.models_disclosure import Disclosure, DisclosureKind  # noqa: E402, F401
from anju.stewardship.models_fund import (  # noqa: E402, F401
    CaseKind,
    DocumentKind,
    EntryKind,
    FundAccount,
    FundCase,
    FundEntry,
    FundLedger,
    FundShare,
)

# 公共收益 and the manager's yearly accounts (issue 14, point 4): their own module.
from anju.stewardship.models_income import CommonIncome, ManagerLine  # noqa: E402, F401

# 满意度测评 (issue 14, point 5): its own module, imported here so Django finds it.
from anju.stewardship.models_survey import SatisfactionSurvey  # noqa: E402, F401
