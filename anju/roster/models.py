"""The household roster (摸底台账): 街道 > 社区 > 小区 > 楼栋 > 单元 > 户, and the people in it.

Tables only. Every write goes through `roster.services`; every scoped read through
`<Model>.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from anju.core import crypto
from anju.core.scoping import Scope, ScopedQuerySet, ScopePaths, paths_of
from anju.core.sealed import SealedField
from anju.domain.ids import mask_id_number, mask_phone

ELDERLY_AGE = 60  # 老年人: 60 周岁以上 (老年人权益保障法 第二条)
STRANDED_FROM_FLOOR = 3  # 悬空老人: living on the 3rd floor or above without a lift


class Subdistrict(models.Model):
    name = models.CharField(_("街道名称"), max_length=60, unique=True)
    district = models.CharField(_("所属区县"), max_length=60, blank=True)
    city = models.CharField(_("所属城市"), max_length=60, blank=True)
    # The name a printed document is signed and stamped with; blank means "<name>办事处".
    issuing_name = models.CharField(_("落款单位"), max_length=80, blank=True, help_text=_("留空则为“街道名称＋办事处”"))
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    scope_paths = ScopePaths(subdistrict="id", community=None, compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("街道")
        verbose_name_plural = _("街道")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    @property
    def issuer(self) -> str:
        """The issuing unit as it signs: 南庄坪街道办事处."""
        return self.issuing_name or f"{self.name}办事处"


class Community(models.Model):
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="communities", verbose_name=_("街道"))
    name = models.CharField(_("社区名称"), max_length=60)
    # The name a printed document is signed and stamped with; blank means "<name>居民委员会".
    issuing_name = models.CharField(_("落款单位"), max_length=80, blank=True, help_text=_("留空则为“社区名称＋居民委员会”"))
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="id", compound=None)
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("社区")
        verbose_name_plural = _("社区")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["subdistrict", "name"], name="community_name_unique")]

    def __str__(self) -> str:
        return self.name

    @property
    def issuer(self) -> str:
        """The issuing unit as it signs: 南庄坪社区居民委员会."""
        return self.issuing_name or f"{self.name}居民委员会"


class Compound(models.Model):
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("社区"))
    # Denormalised so every query can be scoped and indexed by sub-district without a join.
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="compounds", verbose_name=_("街道"))
    name = models.CharField(_("小区名称"), max_length=80)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    land_area = models.DecimalField(_("占地面积（㎡）"), max_digits=12, decimal_places=2, null=True, blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="community_id", compound="id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="compound_name_unique"),
            models.CheckConstraint(condition=models.Q(land_area__gte=0) | models.Q(land_area__isnull=True), name="compound_land_area_nonneg"),
        ]

    def __str__(self) -> str:
        return self.name


class Structure(models.TextChoices):
    MASONRY = "masonry", _("砖混结构")
    FRAME = "frame", _("框架结构")
    SHEAR_WALL = "shear_wall", _("剪力墙结构")
    OTHER = "other", _("其他")


class Building(models.Model):
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="buildings", verbose_name=_("小区"))
    number = models.CharField(_("楼栋号"), max_length=20)
    storeys = models.PositiveSmallIntegerField(_("地上层数"))
    structure = models.CharField(_("结构"), max_length=20, choices=Structure.choices, default=Structure.MASONRY)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    gross_area = models.DecimalField(_("建筑面积（㎡）"), max_digits=10, decimal_places=2)

    scope_paths = ScopePaths(subdistrict="compound__subdistrict_id", community="compound__community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["compound_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["compound", "number"], name="building_number_unique"),
            models.CheckConstraint(condition=models.Q(storeys__gte=1, storeys__lte=60), name="building_storeys_range"),
            models.CheckConstraint(condition=models.Q(gross_area__gte=0), name="building_gross_area_nonneg"),
        ]

    def __str__(self) -> str:
        return f"{self.number}栋"


class Unit(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units", verbose_name=_("楼栋"))
    number = models.CharField(_("单元号"), max_length=20)
    has_elevator = models.BooleanField(_("有电梯"), default=False)

    scope_paths = ScopePaths(subdistrict="building__compound__subdistrict_id", community="building__compound__community_id", compound="building__compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单元")
        verbose_name_plural = _("单元")
        ordering = ["building_id", "id"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_number_unique")]

    def __str__(self) -> str:
        return f"{self.building.number}栋{self.number}单元"


class Occupancy(models.TextChoices):
    OWNER = "owner", _("自住")
    RENTED = "rented", _("出租")
    VACANT = "vacant", _("空置")


class Household(models.Model):
    """One dwelling (专有部分) with its exclusive area from the property register."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="households", verbose_name=_("单元"))
    # Denormalised from unit.building.compound: household lists and tallies are scoped by compound.
    compound = models.ForeignKey(Compound, on_delete=models.PROTECT, related_name="households", verbose_name=_("小区"))
    floor = models.SmallIntegerField(_("楼层"))
    room = models.CharField(_("房号"), max_length=20)
    exclusive_area = models.DecimalField(_("专有部分面积（㎡）"), max_digits=8, decimal_places=2)
    occupancy = models.CharField(_("居住状态"), max_length=10, choices=Occupancy.choices, default=Occupancy.OWNER)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    scope_paths = ScopePaths(subdistrict="compound__subdistrict_id", community="compound__community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        ordering = ["unit_id", "floor", "room"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "room"], name="household_room_unique"),
            models.CheckConstraint(condition=models.Q(exclusive_area__gt=0), name="household_area_positive"),
            models.CheckConstraint(condition=models.Q(floor__gte=-3, floor__lte=60), name="household_floor_range"),
        ]

    def __str__(self) -> str:
        return self.room_code

    @property
    def room_code(self) -> str:
        """The form offices write: 3栋2单元501."""
        return f"{self.unit.building.number}栋{self.unit.number}单元{self.room}"

    @property
    def room_label(self) -> str:
        """The form people read on paper: 3栋2单元501室 (`room_code` stays the search/API key)."""
        return f"{self.room_code}室"


class PersonQuerySet(ScopedQuerySet):
    """People are scoped through the households they own or live in (or did), below sub-district level."""

    def within(self, scope: Scope) -> Self:
        if scope.everything:
            return self.all()
        if scope.subdistrict_id is None:
            return self.none()
        qs = self.filter(scope.q(paths_of(self.model)))
        if scope.compound_id is None and scope.community_id is None:
            return qs
        households = Household.objects.within(scope)
        linked = Exists(Ownership.objects.filter(person=OuterRef("pk"), household__in=households)) | Exists(
            Residence.objects.filter(person=OuterRef("pk"), household__in=households)
        ) | Exists(EndedTie.objects.filter(person=OuterRef("pk"), household__in=households))  # former ones too
        return qs.filter(linked)


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Person(models.Model):
    """An owner or resident. ID number and phone are encrypted; `*_hash` finds an exact value."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="people", verbose_name=_("街道"))
    name = models.CharField(_("姓名"), max_length=40, db_index=True)
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    id_number_encrypted = models.TextField(_("身份证号（密文）"), blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_encrypted = models.TextField(_("联系电话（密文）"), blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    limited_mobility = models.BooleanField(_("行动不便"), default=False)
    party_member = models.BooleanField(_("党员"), default=False)
    died_on = models.DateField(_("死亡日期"), null=True, blank=True)
    households_owned = models.ManyToManyField(Household, through="Ownership", related_name="owners", blank=True)
    households_lived = models.ManyToManyField(Household, through="Residence", related_name="residents", blank=True)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    sealed_fields = (SealedField("id_number_encrypted", "id_number_hash", "id"),
                     SealedField("phone_encrypted", "phone_hash", "phone"))  # re-keyed by `anju rotate-data-key`
    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        # Exact and prefix name searches within one sub-district (PostgreSQL: pattern operators, so
        # LIKE '王%' uses it under any collation); substring searches use the trigram index of
        # migration 0004 (`anju.roster.namesearch`).
        indexes = [models.Index(fields=["subdistrict", "name"], name="person_subdistrict_name",
                                opclasses=["int8_ops", "varchar_pattern_ops"])]
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "id_number_hash"], condition=~models.Q(id_number_hash=""), name="person_id_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def age(self, year: int | None = None) -> int | None:
        if self.birth_year is None:
            return None
        return (year or timezone.localdate().year) - self.birth_year

    @property
    def is_elderly(self) -> bool:
        age = self.age()
        return age is not None and age >= ELDERLY_AGE


class Ownership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("业主"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="ownerships", verbose_name=_("户"))
    since = models.DateField(_("取得产权日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("产权关系")
        verbose_name_plural = _("产权关系")
        constraints = [models.UniqueConstraint(fields=["person", "household"], name="ownership_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.household_id}"


class Residence(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residences", verbose_name=_("居民"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="residences", verbose_name=_("户"))
    since = models.DateField(_("迁入日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("居住关系")
        verbose_name_plural = _("居住关系")
        constraints = [models.UniqueConstraint(fields=["person", "household"], name="residence_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.household_id}"


class TieKind(models.TextChoices):
    OWNER = "owner", _("产权")
    RESIDENT = "resident", _("居住")


class EndReason(models.TextChoices):
    MOVED_OUT = "moved_out", _("迁出")
    DIED = "died", _("死亡")
    TRANSFERRED = "transferred", _("产权转移")


class EndedTie(models.Model):
    """An ownership or residence that has ended, with its dates and why.

    The current ties stay in `Ownership` and `Residence`, so every count, tally and freeze that reads
    them keeps meaning "now"; an ended one moves here and is read only as the household's history.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ended_ties", verbose_name=_("人员"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="ended_ties", verbose_name=_("户"))
    kind = models.CharField(_("关系"), max_length=10, choices=TieKind.choices)
    since = models.DateField(_("开始日期"), null=True, blank=True)
    ended_on = models.DateField(_("结束日期"))
    reason = models.CharField(_("原因"), max_length=12, choices=EndReason.choices)
    recorded_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("已结束的关系")
        verbose_name_plural = _("已结束的关系")
        ordering = ["-ended_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(since__isnull=True) | models.Q(since__lte=models.F("ended_on")),
                                              name="ended_tie_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.person_id}→{self.household_id} {self.ended_on}"


class RevealField(models.TextChoices):
    ID_NUMBER = "id_number", _("身份证号")
    PHONE = "phone", _("联系电话")


class RevealLogQuerySet(ScopedQuerySet):
    """Looks at personal data in the scope: a sub-district's all, below it only looks at people the scope reaches."""

    def within(self, scope: Scope) -> Self:
        qs = super().within(scope)
        if scope.everything or (scope.community_id is None and scope.compound_id is None):
            return qs
        # A look at a person goes with the person; a look at a contact left on something else (a
        # suggestion's phone) goes with that thing's compound.
        return qs.filter(models.Q(person__in=Person.objects.within(scope))
                         | models.Q(person__isnull=True, compound__in=Compound.objects.within(scope)))


class RevealLog(models.Model):
    """One look at a full ID number or phone: who, whose (a person, or a contact on a record such as a
    suggestion, named by `subject`), which, when. Never the value itself."""

    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, related_name="+", verbose_name=_("街道"))
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                               verbose_name=_("查看人"))
    viewer_label = models.CharField(_("查看人"), max_length=120)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, null=True, blank=True, related_name="reveals",
                               verbose_name=_("被查看人"))
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("小区"))
    subject = models.CharField(_("查看对象"), max_length=200, blank=True)
    link = models.CharField(_("查看对象链接"), max_length=200, blank=True)
    field = models.CharField(_("查看内容"), max_length=10, choices=RevealField.choices)
    at = models.DateTimeField(_("查看时间"), default=timezone.now)

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community=None, compound=None)
    objects = RevealLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subdistrict", "-at"], name="reveal_subdistrict_at")]
        constraints = [models.CheckConstraint(condition=models.Q(person__isnull=False)
                                              | (models.Q(compound__isnull=False) & ~models.Q(subject="")),
                                              name="reveal_names_whose")]

    def __str__(self) -> str:
        return f"{self.viewer_label} {self.person_id or self.subject} {self.field}"


class BuildingSummary(models.Model):
    """A building's roster totals, kept by every write that changes them (`anju.roster.summary`).

    Pages and the dashboard sum these rows (one indexed, grouped query) instead of recounting every
    household and resident in scope; `anju recount` recomputes them from the rows. Areas are kept in
    hundredths of a m² (integers), so sums are exact on every database. Elderly and stranded elderly
    depend on the year; `as_of_year` says which year they were counted for.
    """

    building = models.OneToOneField(Building, on_delete=models.CASCADE, primary_key=True, related_name="summary")
    # The building's place, denormalised so a scope filters these rows without a join.
    compound = models.ForeignKey(Compound, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="+")
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.CASCADE, related_name="+")
    households = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)  # distinct residents of the building
    elderly = models.PositiveIntegerField(default=0)
    stranded_elderly = models.PositiveIntegerField(default=0)  # 悬空老人
    exclusive_area_cm2 = models.BigIntegerField(default=0)  # 0.01 m²
    gross_area_cm2 = models.BigIntegerField(default=0)  # 0.01 m²
    units_with_elevator = models.PositiveIntegerField(default=0)
    as_of_year = models.PositiveSmallIntegerField()

    scope_paths = ScopePaths(subdistrict="subdistrict_id", community="community_id", compound="compound_id")
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋汇总")
        verbose_name_plural = _("楼栋汇总")
        # Each foreign key has its own index (a community's or a compound's rows); this one serves a
        # sub-district's rows grouped by community.
        indexes = [models.Index(fields=["subdistrict", "community", "compound"], name="building_summary_scope")]

    def __str__(self) -> str:
        return f"{self.building_id}: {self.households}"
