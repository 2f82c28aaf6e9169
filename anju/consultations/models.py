"""Tables of the 意见征求与表决 capability: consultations, questions, the frozen electorate, letters,
ballots (one counted per household, enforced by the database), corrections and conflicts.

Every write goes through `consultations.services`; scoped reads through `visible_to(user)`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from anju.core.scoping import ScopedQuerySet, ScopePaths
from anju.roster.models import Building, Compound, Household, Subdistrict, Unit

_C = "consultation__"
_E = "elector__consultation__"


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已截止")


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("同意 / 不同意 / 弃权")
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    NUMBER = "number", _("数字")
    TEXT = "text", _("文字")
    ELECTION = "election", _("选举")


LIST_KINDS = (QuestionKind.MULTIPLE, QuestionKind.ELECTION)  # answered by a list (ticked boxes)


class Kind(models.TextChoices):
    """What the consultation is for: a vote (or an opinion poll) decides; a survey measures."""

    VOTE = "vote", _("意见征求 / 表决")
    SURVEY = "survey", _("满意度测评")


class Channel(models.TextChoices):
    ONLINE = "online", _("网上")
    PAPER = "paper", _("纸质")
    DOOR = "door", _("上门")


class BallotState(models.TextChoices):
    COUNTED = "counted", _("计入")
    CONFLICT = "conflict", _("冲突待处理")
    REPLACED = "replaced", _("已被重新表决替换")
    SET_ASIDE = "set_aside", _("冲突处理后不计入")


class Consultation(models.Model):
    """A survey or vote of the households of a compound, a building or a unit (one round)."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="consultations",
                                    verbose_name=_("街道"))
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="consultations",
                                 verbose_name=_("小区"))
    building = models.ForeignKey(Building, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="consultations", verbose_name=_("楼栋"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="consultations",
                             verbose_name=_("单元"))
    title = models.CharField(_("标题"), max_length=120)
    description = models.TextField(_("说明"), blank=True)  # sanitised HTML (anju.core.sanitise.rich_text)
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    predecessor = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="successors", verbose_name=_("上一轮"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    opens_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    opened_at = models.DateTimeField(_("实际开始"), null=True, blank=True)
    closed_at = models.DateTimeField(_("实际截止"), null=True, blank=True)
    # Off: the public list shows each household under its receipt alias, so nobody reads a
    # neighbour's vote. On only where the owners' assembly's rules require open ballots.
    open_ballots = models.BooleanField(_("记名公示（议事规则要求公开表决时）"), default=False)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.VOTE)
    # A survey of a sample: the roster household ids drawn (the electorate is these, frozen at opening);
    # null asks every household of the scope, as every vote does.
    sample = models.JSONField(_("抽样住户"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="compound__community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("意见征求")
        verbose_name_plural = _("意见征求")
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["subdistrict", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(unit__isnull=True) | models.Q(building__isnull=False),
                                   name="consultation_unit_needs_building"),
            # A vote asks everyone in its scope (art. 278 counts all owners); only a survey samples.
            models.CheckConstraint(condition=models.Q(kind="survey") | models.Q(sample__isnull=True),
                                   name="consultation_sample_only_for_surveys"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope_label(self) -> str:
        """小区 / 3栋 / 3栋1单元, the place the consultation covers."""
        if self.unit is not None and self.building is not None:
            return f"{self.compound.name} {self.building.number}栋{self.unit.number}单元"
        if self.building is not None:
            return f"{self.compound.name} {self.building.number}栋"
        return self.compound.name


class Question(models.Model):
    """One question; yes/no questions carry the rule that decides them (engine JSON, validated)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions",
                                     verbose_name=_("意见征求"))
    order = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("题型"), max_length=10, choices=QuestionKind.choices)
    text = models.CharField(_("题目"), max_length=300)
    choices = models.JSONField(_("选项"), default=list, blank=True)
    unit_label = models.CharField(_("数字单位"), max_length=20, blank=True)
    rule = models.JSONField(_("通过规则"), null=True, blank=True)
    # An election ("elect up to N of these candidates", names in `choices`): N, the seats to fill.
    seats = models.PositiveSmallIntegerField(_("应选名额"), null=True, blank=True)
    template_key = models.CharField(max_length=40, blank=True)
    copied_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies")

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "compound__community_id",
                             compound=_C + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题")
        ordering = ["consultation_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "order"], name="question_order_unique"),
            models.CheckConstraint(condition=models.Q(kind="election", seats__gte=1)
                                   | (~models.Q(kind="election") & models.Q(seats__isnull=True)),
                                   name="question_seats_only_for_elections"),
        ]

    def __str__(self) -> str:
        return self.text


class Elector(models.Model):
    """One household of the electorate, frozen when the consultation opens (area and owners then)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="electors")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="electors")
    key = models.CharField(_("户号"), max_length=40)  # "3-1-501": building-unit-room, the digest's sort key
    floor = models.SmallIntegerField(_("楼层"))
    area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=8, decimal_places=2)
    owner_key = models.CharField(max_length=80)  # same for one person's several flats: counted once
    owner_ids = models.JSONField(default=list)  # Person ids at the freeze, for the identity check
    # The household's name on the public ballot list: random, told only to the household (receipt,
    # letter), so each household finds its own line and nobody can tell whose line is whose.
    alias = models.CharField(_("公示编号"), max_length=12)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "compound__community_id",
                             compound=_C + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决户")
        verbose_name_plural = _("表决户")
        ordering = ["consultation_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "household"], name="elector_household_unique"),
            models.UniqueConstraint(fields=["consultation", "key"], name="elector_key_unique"),
            models.UniqueConstraint(fields=["consultation", "alias"], name="elector_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.key

    @property
    def room_label(self) -> str:
        """The room as the resident reads it, 3栋2单元301室 (`key`, 3-2-301, is the digest's sort key)."""
        return self.household.room_label


class Letter(models.Model):
    """A household's printed letter. Its voting code is random (100 bits), exists in clear only on the
    paper, and is stored as its SHA-256; a reprint revokes the household's earlier letter, and too
    many failed owner checks lock it until staff unlock it."""

    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="letters")
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(_("打印时间"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    issued_by_label = models.CharField(_("打印人"), max_length=120)
    reason = models.CharField(_("补发原因"), max_length=300, blank=True)
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True)

    scope_paths = ScopePaths(subdistrict=_E + "subdistrict_id", community=_E + "compound__community_id",
                             compound=_E + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("告知书")
        verbose_name_plural = _("告知书")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["elector"], condition=models.Q(revoked_at__isnull=True),
                                    name="letter_one_valid_per_household"),
        ]

    def __str__(self) -> str:
        return f"letter {self.pk}"


class Ballot(models.Model):
    """A ballot as cast. At most one active ballot per channel kind and at most one COUNTED ballot per
    household (database constraints); replaced and set-aside ballots stay as history."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ballots")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="ballots")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    online = models.BooleanField()  # online vs paper/door: the two kinds that may conflict
    state = models.CharField(_("状态"), max_length=10, choices=BallotState.choices)
    answers = models.JSONField(_("答案"))
    receipt = models.CharField(_("回执码"), max_length=12, unique=True)
    scan = models.CharField(_("纸质表决票扫描件"), max_length=200, blank=True)  # path under MEDIA_ROOT
    signer = models.CharField(_("签字人"), max_length=40, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    entered_by_label = models.CharField(_("录入人"), max_length=120)
    cast_at = models.DateTimeField(_("时间"), auto_now_add=True)
    state_note = models.CharField(max_length=300, blank=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "compound__community_id",
                             compound=_C + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["elector"], condition=models.Q(state="counted"),
                                    name="ballot_one_counted_per_household"),
            models.UniqueConstraint(fields=["elector", "online"], condition=models.Q(state__in=["counted", "conflict"]),
                                    name="ballot_one_active_per_kind"),
        ]
        indexes = [models.Index(fields=["consultation", "state"])]

    def __str__(self) -> str:
        return self.receipt


class Correction(models.Model):
    """After the close, a household's answers corrected by staff: appended, never overwriting."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="corrections")
    elector = models.ForeignKey(Elector, on_delete=models.PROTECT, related_name="corrections")
    answers = models.JSONField(_("更正后的答案"))  # {} means: this household is counted as not heard
    reason = models.CharField(_("原因"), max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    made_by_label = models.CharField(_("更正人"), max_length=120)
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "compound__community_id",
                             compound=_C + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("更正记录")
        verbose_name_plural = _("更正记录")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"correction {self.pk}"


class SettledVote(models.TextChoices):
    YES = "yes", _("同意")
    NO = "no", _("不同意")
    ABSTAIN = "abstain", _("弃权")


class OwnerSettlement(models.Model):
    """Staff settle which vote stands for one owner whose flats voted differently on one question
    (SPC interpretation art. 9: one owner, one vote). Appended, never overwritten; it holds only while
    the ballots it was made on still count, so a later ballot for any of the flats reopens it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="settlements")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="settlements",
                                 verbose_name=_("问题"))
    owner_key = models.CharField(max_length=80)
    vote = models.CharField(_("认定的意见"), max_length=10, choices=SettledVote.choices)
    basis = models.JSONField(default=dict)  # {elector id: receipt of what counted then, or None}
    reason = models.CharField(_("原因"), max_length=300)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    made_by_label = models.CharField(_("处理人"), max_length=120)
    created = models.DateTimeField(auto_now_add=True)

    scope_paths = ScopePaths(subdistrict=_C + "subdistrict_id", community=_C + "compound__community_id",
                             compound=_C + "compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("业主意见冲突处理")
        verbose_name_plural = _("业主意见冲突处理")
        ordering = ["id"]
        indexes = [models.Index(fields=["consultation", "owner_key"])]

    def __str__(self) -> str:
        return f"settlement {self.pk}"


class HomeSuggestion(models.Model):
    """A suggestion (建言献策) a household sent from 我的家, by its receipt code, so 我的家 can list the
    household's own suggestions with their replies. The suggestion itself belongs to participation; a
    suggestion sent from the anonymous box stays anonymous and is not listed here."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="home_suggestions",
                                  verbose_name=_("户"))
    receipt_code = models.CharField(_("回执码"), max_length=12, unique=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("本户建议")
        verbose_name_plural = _("本户建议")
        ordering = ["-created", "-id"]

    def __str__(self) -> str:
        return self.receipt_code
